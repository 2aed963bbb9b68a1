/** The one checked exception tree for everything a driver can raise. */
@Export
@Version("1.0.0")
package org.amtpxe.api.error;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
