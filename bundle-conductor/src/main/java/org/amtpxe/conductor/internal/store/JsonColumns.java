package org.amtpxe.conductor.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts the JSON document columns (driver_info, extra, ...) to and from maps. */
final class JsonColumns {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private JsonColumns() {}

  static String write(Map<String, Object> map) {
    try {
      return MAPPER.writeValueAsString(map == null ? Map.of() : map);
    } catch (JsonProcessingException e) {
      throw new StoreException("Cannot encode a JSON column: " + e.getOriginalMessage(), e);
    }
  }

  static Map<String, Object> read(String column, String text) {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    try {
      return MAPPER.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "Column " + column + " holds invalid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
