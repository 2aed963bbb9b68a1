package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Applies an RFC 6902 JSON patch (add, replace, remove, test) to a resource's writable fields, the
 * way Ironic's {@code PATCH} does: only listed top-level fields may be touched, removing a
 * top-level field resets it.
 */
final class JsonPatch {
  private JsonPatch() {}

  /**
   * Applies the patch to a copy of the document.
   *
   * @param document the writable fields, by name
   * @param patch the request body: a JSON array of operations
   * @param writable the top-level fields that may change
   * @param resets what a removed top-level field becomes (null or an empty object)
   * @return the patched copy
   * @throws ApiException 400 for a malformed patch, a read-only or unknown field, or a path that
   *     does not exist
   */
  static ObjectNode apply(
      ObjectNode document, JsonNode patch, Set<String> writable, ObjectNode resets)
      throws ApiException {
    if (patch == null || !patch.isArray() || patch.isEmpty()) {
      throw ApiException.badRequest(
          "A PATCH body must be a non-empty JSON array of operations such as"
              + " [{\"op\": \"add\", \"path\": \"/extra/rack\", \"value\": \"4\"}].");
    }
    ObjectNode doc = document.deepCopy();
    for (JsonNode op : patch) {
      applyOne(doc, op, writable, resets);
    }
    return doc;
  }

  private static void applyOne(ObjectNode doc, JsonNode op, Set<String> writable, ObjectNode resets)
      throws ApiException {
    if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
      throw ApiException.badRequest(
          "Each patch operation needs \"op\" and \"path\" strings, as in"
              + " {\"op\": \"add\", \"path\": \"/extra/rack\", \"value\": \"4\"}.");
    }
    String kind = op.get("op").asText();
    String path = op.get("path").asText();
    List<String> tokens = tokens(path);
    String field = tokens.get(0);
    if (!writable.contains(field)) {
      throw ApiException.badRequest(
          "Cannot patch "
              + path
              + ". Only the following can be updated: "
              + new java.util.TreeSet<>(writable)
              + ".");
    }
    switch (kind) {
      case "add", "replace" -> {
        if (!op.has("value")) {
          throw ApiException.badRequest(
              "The \"" + kind + "\" operation on " + path + " needs a value.");
        }
        JsonNode value = op.get("value");
        ObjectNode parent = parent(doc, tokens, path);
        String last = tokens.get(tokens.size() - 1);
        if (kind.equals("replace") && tokens.size() > 1 && !parent.has(last)) {
          throw ApiException.badRequest("Cannot replace " + path + ": it does not exist; use add.");
        }
        parent.set(last, value);
      }
      case "remove" -> {
        if (tokens.size() == 1) {
          if (resets.has(field)) {
            doc.set(field, resets.get(field).deepCopy());
          } else {
            doc.putNull(field);
          }
        } else {
          ObjectNode parent = parent(doc, tokens, path);
          String last = tokens.get(tokens.size() - 1);
          if (!parent.has(last)) {
            throw ApiException.badRequest("Cannot remove " + path + ": it does not exist.");
          }
          parent.remove(last);
        }
      }
      case "test" -> {
        JsonNode current = at(doc, tokens);
        if (current == null || !current.equals(op.get("value"))) {
          throw ApiException.badRequest(
              "Patch test failed: " + path + " does not hold the given value; nothing changed.");
        }
      }
      default ->
          throw ApiException.badRequest(
              "Unsupported patch operation \"" + kind + "\"; use add, replace, remove or test.");
    }
  }

  private static List<String> tokens(String path) throws ApiException {
    if (!path.startsWith("/") || path.length() < 2) {
      throw ApiException.badRequest("Invalid patch path \"" + path + "\"; it must start with /.");
    }
    List<String> tokens = new ArrayList<>();
    for (String t : path.substring(1).split("/", -1)) {
      if (t.isEmpty()) {
        throw ApiException.badRequest("Invalid patch path \"" + path + "\": empty segment.");
      }
      tokens.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static ObjectNode parent(ObjectNode doc, List<String> tokens, String path)
      throws ApiException {
    JsonNode cur = doc;
    for (int i = 0; i < tokens.size() - 1; i++) {
      JsonNode next = cur.get(tokens.get(i));
      if (next == null || next.isNull()) {
        if (i == 0 && cur == doc) {
          next = Json.object();
          ((ObjectNode) cur).set(tokens.get(i), next);
        } else {
          throw ApiException.badRequest("Cannot patch " + path + ": its parent does not exist.");
        }
      }
      if (!next.isObject()) {
        throw ApiException.badRequest(
            "Cannot patch " + path + ": " + tokens.get(i) + " is not a JSON object.");
      }
      cur = next;
    }
    return (ObjectNode) cur;
  }

  private static JsonNode at(ObjectNode doc, List<String> tokens) {
    JsonNode cur = doc;
    for (String t : tokens) {
      if (cur == null || !cur.isObject()) {
        return null;
      }
      cur = cur.get(t);
    }
    return cur;
  }
}
