package org.amtpxe.conductor.internal.store;

import java.util.Optional;
import org.amtpxe.api.model.ProvisionState;
import org.jdbi.v3.core.Handle;

/**
 * The deploy ramdisk's agent token of a node: its hash and the address of the lookup that got it.
 * The node's update clears both when the node leaves the deploy ({@link NodeDao#update}).
 */
public final class AgentTokenDao {
  private AgentTokenDao() {}

  /** Records the token of a node waiting for its callback that has none yet; true when it did. */
  public static boolean issue(Handle h, String uuid, String tokenHash, String address) {
    return h.createUpdate(
                "UPDATE nodes SET agent_token_hash = :hash, agent_address = :address"
                    + " WHERE uuid = :uuid AND agent_token_hash IS NULL AND provision_state = :state")
            .bind("hash", tokenHash)
            .bind("address", address)
            .bind("uuid", uuid)
            .bind("state", ProvisionState.WAIT_CALLBACK.value())
            .execute()
        == 1;
  }

  public static Optional<AgentCredentials> credentials(Handle h, String uuid) {
    return h.createQuery(
            "SELECT provision_state, agent_token_hash, agent_address FROM nodes WHERE uuid = :uuid")
        .bind("uuid", uuid)
        .map(
            (rs, ctx) ->
                new AgentCredentials(
                    NodeRows.provisionState(uuid, rs.getString(1)),
                    rs.getString(2),
                    rs.getString(3)))
        .findOne();
  }
}
