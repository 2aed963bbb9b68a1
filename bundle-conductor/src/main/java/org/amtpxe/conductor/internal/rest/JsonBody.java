package org.amtpxe.conductor.internal.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** A response body that writes itself to a JSON generator, without building a tree first. */
@FunctionalInterface
interface JsonBody {
  /**
   * Writes the whole document (one value) to the generator.
   *
   * @throws IOException when the generator fails (a value it cannot write)
   */
  void writeTo(JsonGenerator g) throws IOException;

  /** A body already built as a tree (error bodies and the small documents). */
  static JsonBody of(JsonNode tree) {
    return tree == null ? null : g -> g.writeTree(tree);
  }
}
