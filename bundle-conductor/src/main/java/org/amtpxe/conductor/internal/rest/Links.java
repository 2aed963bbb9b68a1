package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
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

  /** Writes the self and bookmark links as {@link #of} builds them. */
  static void write(JsonGenerator g, String baseUrl, String resource, String id)
      throws IOException {
    String suffix = id == null || id.isEmpty() ? resource : resource + "/" + id;
    g.writeStartArray();
    writeLink(g, baseUrl + "/v1/" + suffix, "self");
    writeLink(g, baseUrl + "/" + suffix, "bookmark");
    g.writeEndArray();
  }

  /** Writes one link as {@link #link} builds it. */
  static void writeLink(JsonGenerator g, String href, String rel) throws IOException {
    g.writeStartObject();
    g.writeStringField("href", href);
    g.writeStringField("rel", rel);
    g.writeEndObject();
  }
}
