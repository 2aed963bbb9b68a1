/**
 * Health checks: each bundle says whether a part of it works and why not, and the conductor runs
 * them all for {@code GET /health} and {@code amtpxe:status}. See docs/observability.md.
 */
@Export
@Version("1.0.0")
package org.amtpxe.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
