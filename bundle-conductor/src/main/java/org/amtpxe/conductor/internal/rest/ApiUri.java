package org.amtpxe.conductor.internal.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict decoding of a request's path and query string: every percent-escape must be two hex
 * digits, the bytes must be UTF-8, and control characters are refused. Nothing is guessed or
 * replaced, so what a resource sees is exactly what the client meant, or a 400 saying what is
 * wrong.
 */
final class ApiUri {
  private ApiUri() {}

  /**
   * The decoded, non-empty segments of a raw (still percent-encoded) path.
   *
   * @throws ApiException 400 for a bad escape, bytes that are not UTF-8, a control character, or a
   *     dot segment
   */
  static List<String> segments(String rawPath) throws ApiException {
    List<String> segments = new ArrayList<>();
    if (rawPath == null) {
      return segments;
    }
    for (String s : rawPath.split("/")) {
      if (s.isEmpty()) {
        continue;
      }
      String segment = decode(s, false, "path");
      if (segment.equals(".") || segment.equals("..")) {
        // NOTE: never resolved: /v1/nodes/x/../<uuid> must not reach the node.
        throw ApiException.badRequest(
            "The request path contains a dot segment (. or ..); send the plain path, e.g."
                + " /v1/nodes/<uuid or name>.");
      }
      segments.add(segment);
    }
    return segments;
  }

  /**
   * The parameters of a raw query string; a repeated name keeps its last value.
   *
   * @throws ApiException 400 for a bad escape, bytes that are not UTF-8, or a control character
   */
  static Map<String, String> query(String rawQuery) throws ApiException {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), true, "query string");
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true, "query string");
      query.put(name, value);
    }
    return query;
  }

  /**
   * Decodes percent-escapes (and, in a query, '+' as a space) as UTF-8.
   *
   * @param where "path" or "query string", for the message
   * @throws ApiException 400 naming what is wrong and how to send it instead
   */
  static String decode(String raw, boolean plusIsSpace, String where) throws ApiException {
    if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
      checkControl(raw, where);
      return raw;
    }
    ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 4);
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch == '%') {
        int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          String bad = raw.substring(i, Math.min(raw.length(), i + 3));
          throw ApiException.badRequest(
              "The request "
                  + where
                  + " has an invalid percent-escape \""
                  + printable(bad)
                  + "\": write '%' as %25 and any other byte as % followed by two hex digits.");
        }
        bytes.put((byte) (hi * 16 + lo));
        i += 2;
      } else if (ch == '+' && plusIsSpace) {
        bytes.put((byte) ' ');
      } else {
        int cp = raw.codePointAt(i);
        bytes.put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
      }
    }
    bytes.flip();
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes)
              .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "The request "
              + where
              + " is not valid UTF-8 once its percent-escapes are decoded: encode non-ASCII"
              + " characters as their UTF-8 bytes (U+00E9 is %C3%A9).");
    }
    checkControl(text, where);
    return text;
  }

  private static void checkControl(String text, String where) throws ApiException {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch < 0x20 || ch == 0x7f) {
        throw ApiException.badRequest(
            "The request "
                + where
                + " contains a control character (code "
                + (int) ch
                + "); no name, UUID or parameter of this API contains one, remove it.");
      }
    }
  }

  /** A short piece of client input, safe to quote in a message. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 80; i++) {
      char ch = s.charAt(i);
      b.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
    }
    return b.toString();
  }
}
