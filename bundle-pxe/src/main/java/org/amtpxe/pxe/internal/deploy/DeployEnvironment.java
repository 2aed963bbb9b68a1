package org.amtpxe.pxe.internal.deploy;

import org.amtpxe.pxe.internal.cache.ImageCache;
import org.amtpxe.pxe.internal.config.PxeSettings;

/**
 * What the deploy works with at one moment: the configuration in force and the image cache.
 *
 * @param settings the validated configuration
 * @param cache the image cache under {@code settings.imageCacheDir()}
 */
public record DeployEnvironment(PxeSettings settings, ImageCache cache) {}
