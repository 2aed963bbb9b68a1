package org.amtpxe.conductor.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL of the conductors table, on the caller's handle. Times are the database's. */
public final class ConductorDao {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private static final RowMapper<ConductorRow> MAPPER_ROW =
      (rs, ctx) ->
          new ConductorRow(
              rs.getString("hostname"),
              rs.getString("api_url"),
              drivers(rs.getString("hostname"), rs.getString("drivers")),
              rs.getString("conductor_group"),
              rs.getBoolean("online"),
              NodeRows.instant(rs, "created_at"),
              NodeRows.instant(rs, "updated_at"));

  private ConductorDao() {}

  /**
   * Records a conductor as online with a fresh heartbeat: a new row, or the row a conductor of the
   * same host name left (after a clean stop or a crash), keeping its first registration time.
   */
  public static void register(
      Handle h, String hostname, String apiUrl, List<String> drivers, String group) {
    int updated =
        h.createUpdate(
                "UPDATE conductors SET api_url = :url, drivers = :drivers, conductor_group = :group,"
                    + " online = TRUE, updated_at = CURRENT_TIMESTAMP WHERE hostname = :host")
            .bind("url", apiUrl)
            .bind("drivers", write(drivers))
            .bind("group", group)
            .bind("host", hostname)
            .execute();
    if (updated == 0) {
      h.createUpdate(
              "INSERT INTO conductors (hostname, api_url, drivers, conductor_group, online,"
                  + " created_at, updated_at) VALUES (:host, :url, :drivers, :group, TRUE,"
                  + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
          .bind("host", hostname)
          .bind("url", apiUrl)
          .bind("drivers", write(drivers))
          .bind("group", group)
          .execute();
    }
  }

  /**
   * A heartbeat: the conductor's time and drivers now. False when its row is gone or marked offline
   * (deleted by an operator, or unregistered by a stop racing this beat): the caller registers
   * again.
   */
  public static boolean heartbeat(Handle h, String hostname, List<String> drivers) {
    return h.createUpdate(
                "UPDATE conductors SET drivers = :drivers, updated_at = CURRENT_TIMESTAMP"
                    + " WHERE hostname = :host AND online = TRUE")
            .bind("drivers", write(drivers))
            .bind("host", hostname)
            .execute()
        == 1;
  }

  /** Marks a conductor offline, as a clean stop does; it stays listed, not alive. */
  public static void unregister(Handle h, String hostname) {
    h.createUpdate("UPDATE conductors SET online = FALSE WHERE hostname = :host")
        .bind("host", hostname)
        .execute();
  }

  /** Every conductor ever registered and not deleted, by host name. */
  public static List<ConductorRow> all(Handle h) {
    return h.createQuery("SELECT * FROM conductors ORDER BY hostname").map(MAPPER_ROW).list();
  }

  public static Optional<ConductorRow> find(Handle h, String hostname) {
    return h.createQuery("SELECT * FROM conductors WHERE hostname = :host")
        .bind("host", hostname)
        .map(MAPPER_ROW)
        .findOne();
  }

  /** The database's clock now, against which heartbeats are judged. */
  public static Instant now(Handle h) {
    return h.createQuery("SELECT CURRENT_TIMESTAMP")
        .map((rs, ctx) -> NodeRows.instant(rs, 1))
        .one();
  }

  private static String write(List<String> drivers) {
    try {
      return MAPPER.writeValueAsString(new TreeSet<>(drivers));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A list of strings is always JSON", e);
    }
  }

  private static List<String> drivers(String host, String text) {
    try {
      return MAPPER.readValue(text, STRINGS);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "The drivers column of conductor " + host + " is not a JSON list of names", e);
    }
  }
}
