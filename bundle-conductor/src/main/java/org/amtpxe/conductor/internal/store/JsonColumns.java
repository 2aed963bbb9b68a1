package org.amtpxe.conductor.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts the JSON document columns (driver_info, extra, ...) to and from maps. */
final class JsonColumns {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  /** Bound once: the type and its deserializer are not looked up again for every column read. */
  private static final ObjectReader READER = MAPPER.readerFor(MAP);

  private JsonColumns() {}

  static String write(Map<String, Object> map) {
    try {
      return MAPPER.writeValueAsString(map == null ? Map.of() : map);
    } catch (JsonProcessingException e) {
      throw new StoreException("Cannot encode a JSON column: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The map a column holds; empty for null, "" and {}. The map may be unmodifiable: the model's
   * builders copy it.
   *
   * @throws StoreException when the column is not a JSON object
   */
  static Map<String, Object> read(String column, String text) {
    if (text == null || text.isEmpty() || text.equals("{}")) {
      // NOTE: most of these columns are {} (write's form of an empty map); no parser for them.
      return Map.of();
    }
    try {
      return READER.readValue(text);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "Column " + column + " holds invalid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
