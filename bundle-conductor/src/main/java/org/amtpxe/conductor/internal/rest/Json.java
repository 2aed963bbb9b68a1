package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one Jackson mapper of the API, and the conversions every resource needs. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  /** Request bodies: one JSON document, nothing after it. */
  private static final ObjectReader BODY_READER =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * Parses a request body that must be a JSON object.
   *
   * @throws ApiException 400 when it is empty, not JSON, or not an object
   */
  public static ObjectNode parseObject(String body) throws ApiException {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("The request body is empty; send a JSON object.");
    }
    JsonNode node = parse(body);
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("The request body must be a JSON object.");
    }
    return (ObjectNode) node;
  }

  /**
   * Parses a request body as JSON of any kind (a JSON Patch is an array).
   *
   * @throws ApiException 400 when it is not JSON
   */
  public static JsonNode parse(String body) throws ApiException {
    JsonNode node;
    try {
      node = BODY_READER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "The request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (node != null && containsNul(node)) {
      // NOTE: PostgreSQL cannot store U+0000 in a text column; refused here for every database
      // alike instead of failing (500) on one of them.
      throw ApiException.badRequest(
          "The request body contains the character U+0000 (\\u0000) in a string or key; no"
              + " value of this API contains it, remove it.");
    }
    return node;
  }

  private static boolean containsNul(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\0') >= 0;
    }
    if (node.isObject()) {
      for (var it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        if (field.getKey().indexOf('\0') >= 0 || containsNul(field.getValue())) {
          return true;
        }
      }
      return false;
    }
    for (JsonNode child : node) {
      if (containsNul(child)) {
        return true;
      }
    }
    return false;
  }

  /** A JSON object as a map of plain Java values. */
  public static Map<String, Object> toMap(JsonNode node) {
    return MAPPER.convertValue(node, MAP);
  }

  /** A map of plain Java values as JSON. */
  public static JsonNode toJson(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** A timestamp as Ironic prints it, e.g. {@code 2026-01-01T10:00:00.000000+00:00}. */
  public static String time(Instant t) {
    return t == null ? null : TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}
