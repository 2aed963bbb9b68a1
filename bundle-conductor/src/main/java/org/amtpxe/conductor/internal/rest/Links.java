package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
}
