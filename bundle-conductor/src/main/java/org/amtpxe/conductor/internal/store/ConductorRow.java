package org.amtpxe.conductor.internal.store;

import java.time.Instant;
import java.util.List;

/**
 * A conductor as the conductors table records it.
 *
 * @param hostname its host name, unique among the conductors of a database
 * @param apiUrl where its API serves, for the other conductors' calls
 * @param drivers the drivers it had loaded at its last heartbeat, sorted
 * @param group its conductor group ({@code ""} for none)
 * @param online false once it stopped cleanly
 * @param createdAt when it first registered
 * @param updatedAt its last heartbeat, on the database's clock
 */
public record ConductorRow(
    String hostname,
    String apiUrl,
    List<String> drivers,
    String group,
    boolean online,
    Instant createdAt,
    Instant updatedAt) {
  public ConductorRow {
    drivers = List.copyOf(drivers);
  }
}
