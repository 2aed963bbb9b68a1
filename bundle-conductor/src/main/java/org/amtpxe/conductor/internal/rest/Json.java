package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.conductor.internal.service.Secrets;

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
    if (t == null) {
      return null;
    }
    char[] c = new char[TIME_LENGTH];
    return formatTime(t, c) ? new String(c) : TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  /** A timestamp as {@link #time} prints it, or null, without a String in between. */
  static void writeTime(JsonGenerator g, Instant t) throws IOException {
    if (t == null) {
      g.writeNull();
      return;
    }
    char[] c = new char[TIME_LENGTH];
    if (formatTime(t, c)) {
      g.writeString(c, 0, TIME_LENGTH);
    } else {
      g.writeString(TIME.format(t.atOffset(ZoneOffset.UTC)));
    }
  }

  /** The length of {@code yyyy-MM-ddTHH:mm:ss.SSSSSS+00:00}. */
  static final int TIME_LENGTH = 32;

  /**
   * Formats t in UTC as {@link #TIME}'s pattern {@code yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx} does (the
   * fraction cut, not rounded, to microseconds), by hand: the formatter costs more than the rest of
   * a node's timestamps. Years 1 to 9999 only, where the pattern prints four plain digits.
   *
   * @param c receives the {@value #TIME_LENGTH} characters
   * @return false for a year outside 1-9999 (c is then unspecified)
   */
  static boolean formatTime(Instant t, char[] c) {
    long seconds = t.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    // Days to the proleptic Gregorian calendar, counted in 400-year eras from 0000-03-01, so that
    // the leap day is the last day of a year.
    long z = epochDay + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    int dayOfEra = (int) (z - era * 146_097L);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int shiftedMonth = (5 * dayOfYear + 2) / 153;
    int day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    long year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0);
    if (year < 1 || year > 9999) {
      return false;
    }
    digits(c, 0, (int) year, 4);
    c[4] = '-';
    digits(c, 5, month, 2);
    c[7] = '-';
    digits(c, 8, day, 2);
    c[10] = 'T';
    digits(c, 11, secondOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, secondOfDay / 60 % 60, 2);
    c[16] = ':';
    digits(c, 17, secondOfDay % 60, 2);
    c[19] = '.';
    digits(c, 20, t.getNano() / 1000, 6);
    c[26] = '+';
    c[27] = '0';
    c[28] = '0';
    c[29] = ':';
    c[30] = '0';
    c[31] = '0';
    return true;
  }

  /** Writes value as exactly width decimal digits, zero-padded. */
  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /**
   * Writes a map of plain Java values as {@code toJson(map)} would: JSON's own types (maps with
   * text keys, lists, strings, booleans, Integer, Long, Double, null) directly, anything else
   * through Jackson's tree so that it comes out as before (a BigDecimal without trailing zeros).
   */
  static void writeMap(JsonGenerator g, Map<?, ?> map) throws IOException {
    for (Object k : map.keySet()) {
      if (!(k instanceof String)) {
        g.writeTree(MAPPER.valueToTree(map)); // keys Jackson turns into text its own way
        return;
      }
    }
    g.writeStartObject();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      g.writeFieldName((String) e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  /**
   * Writes the map as {@code toJson(Secrets.mask(map))} would, without the copy and the tree: a
   * secret key's value (not null, not "") as {@link Secrets#MASK}, nested maps masked the same way,
   * lists and their content as they are (as {@link Secrets#mask} does).
   */
  @SuppressWarnings("unchecked")
  static void writeMasked(JsonGenerator g, Map<String, Object> map) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String k = e.getKey();
      Object v = e.getValue();
      boolean secret = Secrets.isSecret(k);
      g.writeFieldName(k);
      if (secret && v != null && !"".equals(v)) {
        g.writeString(Secrets.MASK);
      } else if (v instanceof Map<?, ?> m) {
        writeMasked(g, (Map<String, Object>) m);
      } else {
        writeValue(g, v);
      }
    }
    g.writeEndObject();
  }

  /** Writes one plain Java value as {@link #toJson} would. */
  static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Map<?, ?> m) {
      writeMap(g, m);
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object item : list) {
        writeValue(g, item);
      }
      g.writeEndArray();
    } else {
      // NOTE: not g.writeObject(v): the tree normalises some values (BigDecimal 1.50 -> 1.5),
      // and the API showed them so.
      g.writeTree(MAPPER.valueToTree(v));
    }
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}
