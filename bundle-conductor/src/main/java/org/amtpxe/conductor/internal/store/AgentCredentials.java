package org.amtpxe.conductor.internal.store;

import org.amtpxe.api.model.ProvisionState;

/**
 * What a deploy ramdisk's callback is checked against, read without any lock.
 *
 * @param provisionState the node's provision state
 * @param tokenHash the SHA-256 of the token its lookup received, or null
 * @param address the address of that lookup, or null
 */
public record AgentCredentials(ProvisionState provisionState, String tokenHash, String address) {}
