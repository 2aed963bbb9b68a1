package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.amtpxe.conductor.internal.cluster.ConductorRegistry.Member;
import org.amtpxe.conductor.internal.service.Conductor;

/**
 * {@code /v1/conductors} (API 1.49): the conductors sharing this database, as of this conductor's
 * last heartbeat, each with whether it is alive. Read from the registry's view, not the database,
 * so a list costs no query.
 */
final class ConductorsResource {
  /** The fields of a conductor; the list shows the first three and links unless detailed. */
  private static final List<String> FIELDS =
      List.of(
          "hostname", "conductor_group", "alive", "drivers", "created_at", "updated_at", "links");

  private static final Set<String> SUMMARY =
      Set.of("hostname", "conductor_group", "alive", "links");

  private final Conductor service;

  ConductorsResource(Conductor service) {
    this.service = service;
  }

  ApiResponse list(ApiRequest req) throws ApiException {
    requireVersion(req);
    req.allowParams(Set.of("detail", "fields", "limit", "marker", "sort_key", "sort_dir"));
    Boolean detail = req.boolParam("detail");
    List<String> fields = fields(req);
    if (fields != null && Boolean.TRUE.equals(detail)) {
      throw ApiException.badRequest("Can not specify ?detail=True and fields in the same request.");
    }
    String sortKey = req.param("sort_key");
    if (sortKey != null && !sortKey.equals("hostname")) {
      throw ApiException.badRequest(
          "The sort_key value \"" + sortKey + "\" is invalid; conductors sort by hostname only.");
    }
    String sortDir = req.param("sort_dir");
    if (sortDir != null && !sortDir.equals("asc") && !sortDir.equals("desc")) {
      throw ApiException.badRequest(
          "Invalid sort direction: " + sortDir + ". Acceptable values are 'asc' or 'desc'");
    }
    List<Member> members = new ArrayList<>(service.tasks().ownership().members());
    if ("desc".equals(sortDir)) {
      java.util.Collections.reverse(members);
    }
    String marker = req.param("marker");
    if (marker != null) {
      int at = indexOf(members, marker);
      if (at < 0) {
        throw ApiException.badRequest("Marker " + marker + " is not a conductor's hostname.");
      }
      members = members.subList(at + 1, members.size());
    }
    String limitParam = req.param("limit");
    if (limitParam != null) {
      int limit;
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid limit " + limitParam + ": give a whole number.");
      }
      if (limit < 0) {
        throw ApiException.badRequest("Limit must be positive");
      }
      if (limit > 0 && limit < members.size()) {
        members = members.subList(0, limit);
      }
    }
    ArrayNode items = Json.array();
    for (Member m : members) {
      Set<String> shown =
          fields != null
              ? new LinkedHashSet<>(fields)
              : Boolean.TRUE.equals(detail) ? Set.copyOf(FIELDS) : SUMMARY;
      items.add(render(req, m, shown));
    }
    ObjectNode body = Json.object();
    body.set("conductors", items);
    return ApiResponse.ok(body);
  }

  ApiResponse get(ApiRequest req, String hostname) throws ApiException {
    requireVersion(req);
    req.allowParams(Set.of("fields"));
    List<String> fields = fields(req);
    List<Member> members = service.tasks().ownership().members();
    int at = indexOf(members, hostname);
    if (at < 0) {
      throw ApiException.notFound("Conductor " + hostname + " could not be found.");
    }
    return ApiResponse.ok(
        render(
            req,
            members.get(at),
            fields == null ? Set.copyOf(FIELDS) : new LinkedHashSet<>(fields)));
  }

  private static int indexOf(List<Member> members, String hostname) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).row().hostname().equals(hostname)) {
        return i;
      }
    }
    return -1;
  }

  private static ObjectNode render(ApiRequest req, Member m, Set<String> shown) {
    ObjectNode o = Json.object();
    for (String f : FIELDS) {
      if (!shown.contains(f)) {
        continue;
      }
      switch (f) {
        case "hostname" -> o.put(f, m.row().hostname());
        case "conductor_group" -> o.put(f, m.row().group());
        case "alive" -> o.put(f, m.alive());
        case "drivers" -> {
          ArrayNode drivers = Json.array();
          m.row().drivers().forEach(drivers::add);
          o.set(f, drivers);
        }
        case "created_at" -> o.put(f, m.row().createdAt().toString());
        case "updated_at" -> o.put(f, m.row().updatedAt().toString());
        case "links" -> o.set(f, Links.of(req.baseUrl(), "conductors", m.row().hostname()));
        default -> throw new IllegalStateException(f);
      }
    }
    return o;
  }

  private static void requireVersion(ApiRequest req) throws ApiException {
    if (!req.version().atLeast(49)) {
      // Ironic before 1.49 has no such resource: 404, as for any unknown path.
      throw ApiException.notFound("The resource could not be found.");
    }
  }

  private static List<String> fields(ApiRequest req) throws ApiException {
    String param = req.param("fields");
    if (param == null) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    for (String f : param.split(",")) {
      String field = f.strip();
      if (!FIELDS.contains(field)) {
        throw ApiException.badRequest("Field(s) \"" + field + "\" are not valid for conductors.");
      }
      fields.add(field);
    }
    return fields;
  }
}
