/**
 * The node model a conductor stores and a driver reads: nodes, ports, power and provision states.
 */
@Export
@Version("2.1.0")
package org.amtpxe.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
