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

  /**
   * The reader of a column, its type resolved once: {@code MAPPER.readValue(text, type)} looks the
   * type up again for each value, a measurable share of reading a page of nodes.
   */
  private static final ObjectReader READER =
      MAPPER.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {});

  private JsonColumns() {}

  static String write(Map<String, Object> map) {
    try {
      return MAPPER.writeValueAsString(map == null ? Map.of() : map);
    } catch (JsonProcessingException e) {
      throw new StoreException("Cannot encode a JSON column: " + e.getOriginalMessage(), e);
    }
  }

  static Map<String, Object> read(String column, String text) {
    if (text == null || text.isEmpty() || text.equals("{}")) {
      return Map.of(); // NOTE: most columns of most nodes are empty: no parser for them
    }
    try {
      return READER.readValue(text);
    } catch (JsonProcessingException e) {
      throw new StoreException(
          "Column " + column + " holds invalid JSON: " + e.getOriginalMessage(), e);
    }
  }
}
