package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Ironic's limit/marker paging with a {@code next} link. */
final class Paging {
  static final int MAX_LIMIT = 1000;

  private Paging() {}

  /** Writes one item of a list. */
  @FunctionalInterface
  interface ItemWriter<T> {
    /**
     * @throws IOException when the generator fails
     */
    void write(JsonGenerator g, T item) throws IOException;
  }

  /**
   * The body of a list reply, written when sent: one page of {@code all} under {@code collection},
   * each item written, and the {@code next} link when the page is full.
   *
   * @param detail whether the request was for {@code <collection>/detail} (for the next link)
   * @throws ApiException 400 for a bad limit or an unknown marker
   */
  static <T> JsonBody listBody(
      String collection,
      boolean detail,
      List<T> all,
      ApiRequest req,
      Function<T, String> id,
      ItemWriter<T> write)
      throws ApiException {
    List<T> page = page(all, req, id);
    String next = next(page, req, detail ? collection + "/detail" : collection, id);
    return g -> writeList(g, collection, page, write, next);
  }

  /**
   * The body of a list reply whose page the database already cut, written when sent: the items
   * under {@code collection}, and the {@code next} link when the page is full.
   *
   * @throws ApiException 400 for a bad limit
   */
  static <T> JsonBody pageBody(
      String collection,
      boolean detail,
      List<T> page,
      int limit,
      ApiRequest req,
      Function<T, String> id,
      ItemWriter<T> write)
      throws ApiException {
    return pageBodyAt(
        collection, detail ? collection + "/detail" : collection, page, limit, req, id, write);
  }

  /**
   * The same, for a collection served at {@code resource} (a path under {@code /v1/}, such as
   * {@code nodes/<node>/history}), which the {@code next} link names.
   *
   * @throws ApiException 400 for a bad limit
   */
  static <T> JsonBody pageBodyAt(
      String collection,
      String resource,
      List<T> page,
      int limit,
      ApiRequest req,
      Function<T, String> id,
      ItemWriter<T> write)
      throws ApiException {
    String next = page.size() >= limit ? next(page, req, resource, id) : null;
    return g -> writeList(g, collection, page, write, next);
  }

  private static <T> void writeList(
      JsonGenerator g, String collection, List<T> page, ItemWriter<T> write, String next)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart(collection);
    for (T item : page) {
      write.write(g, item);
    }
    g.writeEndArray();
    if (next != null) {
      g.writeStringField("next", next);
    }
    g.writeEndObject();
  }

  /**
   * One page of items after the marker.
   *
   * @throws ApiException 400 for a bad limit or an unknown marker
   */
  private static <T> List<T> page(List<T> all, ApiRequest req, Function<T, String> id)
      throws ApiException {
    int limit = limit(req);
    int start = 0;
    String marker = req.param("marker");
    if (marker != null) {
      start = -1;
      for (int i = 0; i < all.size(); i++) {
        if (id.apply(all.get(i)).equals(marker)) {
          start = i + 1;
          break;
        }
      }
      if (start < 0) {
        throw ApiException.badRequest("Marker " + marker + " could not be found.");
      }
    }
    return all.subList(start, Math.min(all.size(), start + limit));
  }

  /**
   * The page size a request asks for: its {@code limit}, at most {@value #MAX_LIMIT}.
   *
   * @throws ApiException 400 for a negative or non-numeric limit
   */
  static int limit(ApiRequest req) throws ApiException {
    String v = req.param("limit");
    if (v == null) {
      return MAX_LIMIT;
    }
    try {
      int limit = Integer.parseInt(v);
      if (limit < 0) {
        throw ApiException.badRequest("Limit must be positive: " + v);
      }
      return limit == 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Limit must be an integer: " + v);
    }
  }

  /**
   * The {@code next} link when the page is full, else null.
   *
   * @throws ApiException 400 for a bad limit
   */
  private static <T> String next(
      List<T> page, ApiRequest req, String resource, Function<T, String> id) throws ApiException {
    if (page.isEmpty() || page.size() < limit(req)) {
      return null;
    }
    Map<String, String> q = new TreeMap<>(req.query());
    q.put("marker", id.apply(page.get(page.size() - 1)));
    q.put("limit", Integer.toString(limit(req)));
    StringBuilder href = new StringBuilder(req.baseUrl()).append("/v1/").append(resource);
    char sep = '?';
    for (var e : q.entrySet()) {
      href.append(sep)
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return href.toString();
  }
}
