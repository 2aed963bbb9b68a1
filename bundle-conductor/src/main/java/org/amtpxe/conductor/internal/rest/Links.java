package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** Ironic's self and bookmark links. */
final class Links {
  private Links() {}

  static ArrayNode of(String baseUrl, String resource, String id) {
    String suffix = id == null || id.isEmpty() ? resource : resource + "/" + id;
    ArrayNode links = Json.array();
    links.add(link(baseUrl + "/v1/" + suffix, "self"));
    links.add(link(baseUrl + "/" + suffix, "bookmark"));
    return links;
  }

  static ObjectNode link(String href, String rel) {
    ObjectNode link = Json.object();
    link.put("href", href);
    link.put("rel", rel);
    return link;
  }

  private static final SerializedString HREF = new SerializedString("href");
  private static final SerializedString REL = new SerializedString("rel");
  private static final SerializedString SELF = new SerializedString("self");
  private static final SerializedString BOOKMARK = new SerializedString("bookmark");

  /** Writes the self and bookmark links as {@link #of} builds them. */
  static void write(JsonGenerator g, String baseUrl, String resource, String id)
      throws IOException {
    write(g, baseUrl, resource, id, null);
  }

  /**
   * Writes the self and bookmark links of {@code <resource>/<id>/<sub>} (id and sub optional) as
   * {@link #of} builds them, with one char array for both hrefs instead of four Strings.
   */
  static void write(JsonGenerator g, String baseUrl, String resource, String id, String sub)
      throws IOException {
    boolean hasSub = sub != null;
    // As of's id + "/" + sub would be: a null id is "null" then.
    String idPart = hasSub ? String.valueOf(id) : id;
    boolean hasId = hasSub || (id != null && !id.isEmpty());
    int base = baseUrl.length();
    int len =
        base
            + 4
            + resource.length()
            + (hasId ? 1 + idPart.length() : 0)
            + (hasSub ? 1 + sub.length() : 0);
    char[] href = new char[len];
    baseUrl.getChars(0, base, href, 0);
    int at = base;
    href[at++] = '/';
    href[at++] = 'v';
    href[at++] = '1';
    href[at++] = '/';
    resource.getChars(0, resource.length(), href, at);
    at += resource.length();
    if (hasId) {
      href[at++] = '/';
      idPart.getChars(0, idPart.length(), href, at);
      at += idPart.length();
    }
    if (hasSub) {
      href[at++] = '/';
      sub.getChars(0, sub.length(), href, at);
    }
    g.writeStartArray();
    g.writeStartObject();
    g.writeFieldName(HREF);
    g.writeString(href, 0, len);
    g.writeFieldName(REL);
    g.writeString(SELF);
    g.writeEndObject();
    // The bookmark is the same without "v1/".
    System.arraycopy(href, base + 4, href, base + 1, len - base - 4);
    g.writeStartObject();
    g.writeFieldName(HREF);
    g.writeString(href, 0, len - 3);
    g.writeFieldName(REL);
    g.writeString(BOOKMARK);
    g.writeEndObject();
    g.writeEndArray();
  }
}
