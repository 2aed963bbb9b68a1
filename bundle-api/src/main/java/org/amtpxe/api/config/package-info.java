/**
 * The project's configuration read path, shared by its bundles: a PID's raw ConfigAdmin properties
 * read as its metatype interface ({@link org.amtpxe.api.config.TypedConfig}) and the one format of
 * a configuration problem report ({@link org.amtpxe.api.config.ConfigProblems}). See
 * docs/configuration.md.
 */
@Export
@Version("1.0.0")
package org.amtpxe.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
