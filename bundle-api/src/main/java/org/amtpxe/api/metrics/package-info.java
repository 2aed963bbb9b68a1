/**
 * Metrics without a metrics library: counters, timers and gauges by name and tags, which the
 * conductor's bundle exports to Prometheus and JMX. Driver bundles bind the {@link
 * org.amtpxe.api.metrics.Meters} service optionally and dynamically, so they work without it. See
 * docs/observability.md.
 */
@Export
@Version("1.0.0")
package org.amtpxe.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
