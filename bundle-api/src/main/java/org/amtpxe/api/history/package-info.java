/**
 * A node's history from outside a task: the boot servers note, as they happen, the deploy steps
 * they see (a boot file served to a node being deployed). See docs/web-ui.md#deploy-steps.
 */
@Export
@Version("1.0.0")
package org.amtpxe.api.history;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
