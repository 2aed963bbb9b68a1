/**
 * The driver contract after Ironic's: power, management, deploy, inspect and console interfaces,
 * the boot history the hardware reports, and the task context.
 */
@Export
@Version("1.3.0")
package org.amtpxe.api.driver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
