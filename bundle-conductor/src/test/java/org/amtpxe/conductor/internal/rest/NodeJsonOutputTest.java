package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.cluster.Ownership;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes of node and port documents, node and port lists: {@link JsonCases}' nodes and
 * ports (secrets at depth, nulls, text to escape and broken UTF-16, every number type, timestamps
 * at the calendar's edges) at every version 1.1-1.78 and with field subsets, against {@code
 * node-json-expected.txt}. That file was written by the tree code these writers replaced, after a
 * test had found both byte for byte equal; any change of the output fails here.
 *
 * <p>After an intended change of the output, rewrite the file with {@link #main} (test classpath,
 * from bundle-conductor) and review its diff.
 */
class NodeJsonOutputTest {
  static final String EXPECTED = "node-json-expected.txt";
  static final String BASE = "http://127.0.0.1:6385";

  /** Ownership when no live conductor can have a node: {@code conductor} is null. */
  static final Ownership NOBODY =
      new Ownership() {
        @Override
        public java.util.Optional<String> owner(org.amtpxe.api.model.Node node) {
          return java.util.Optional.empty();
        }

        @Override
        public boolean mine(org.amtpxe.api.model.Node node) {
          return false;
        }

        @Override
        public java.util.List<org.amtpxe.conductor.internal.cluster.ConductorRegistry.Member>
            members() {
          return java.util.List.of();
        }
      };

  /** Every case: its name and its body. */
  static Map<String, JsonBody> cases() throws ApiException {
    Map<String, JsonBody> cases = new LinkedHashMap<>();
    Node rich = JsonCases.rich();
    for (int minor = 1; minor <= ApiVersion.MAX.minor(); minor++) {
      ApiVersion v = new ApiVersion(1, minor);
      cases.put("rich " + v, NodeJson.body(rich, v, BASE, Ownership.solo("conductor-1"), null));
    }
    for (Node n : List.of(JsonCases.bare(), JsonCases.middle())) {
      for (int minor : new int[] {1, 2, 31, 78}) {
        ApiVersion v = new ApiVersion(1, minor);
        cases.put(n.uuid() + " " + v, NodeJson.body(n, v, "https://[::1]:443", NOBODY, null));
        cases.put(n.uuid() + " short " + v, g -> NodeJson.writeShort(g, n, v, BASE));
        cases.put(n.uuid() + " states " + v, NodeJson.statesBody(n, v, BASE));
      }
    }
    List<List<String>> subsets = JsonCases.fieldSubsets();
    for (int i = 0; i < subsets.size(); i++) {
      for (int minor : new int[] {8, 31, 78}) {
        ApiVersion v = new ApiVersion(1, minor);
        cases.put(
            "rich fields#" + i + " " + v,
            NodeJson.body(rich, v, BASE, Ownership.solo("c"), subsets.get(i)));
      }
    }
    for (Port p : JsonCases.ports()) {
      for (int minor : new int[] {1, 18, 19, 24, 34, 53, 78}) {
        ApiVersion v = new ApiVersion(1, minor);
        cases.put("port " + p.uuid() + " " + v, PortsResource.body(p, v, BASE, null));
      }
      cases.put(
          "port " + p.uuid() + " fields",
          PortsResource.body(
              p, ApiVersion.MAX, BASE, List.of("pxe_enabled", "uuid", "links", "extra")));
    }
    ApiVersion v = new ApiVersion(1, 31);
    List<Node> nodes = JsonCases.nodes();
    for (Map<String, String> query :
        List.of(
            Map.<String, String>of(),
            Map.of("limit", "3"),
            Map.of("limit", "2", "marker", nodes.get(0).uuid(), "x y", "a&b=c\u00e9"))) {
      ApiRequest req = new ApiRequest("GET", List.of("nodes"), query, v, "", BASE, "127.0.0.1");
      int limit = Paging.limit(req);
      for (boolean detail : new boolean[] {false, true}) {
        List<Node> page = nodes.subList(0, Math.min(nodes.size(), limit));
        cases.put(
            "nodes detail=" + detail + " " + new java.util.TreeMap<>(query),
            Paging.pageBody(
                "nodes",
                detail,
                page,
                limit,
                req,
                Node::uuid,
                detail
                    ? (g, n) -> NodeJson.write(g, n, v, BASE, Ownership.solo("c"), null)
                    : (g, n) -> NodeJson.writeShort(g, n, v, BASE)));
      }
      List<Port> ports = new ArrayList<>(JsonCases.ports());
      ports.addAll(JsonCases.ports());
      ApiRequest portReq =
          new ApiRequest(
              "GET",
              List.of("ports"),
              query.containsKey("marker") ? Map.of("limit", "1") : query,
              v,
              "",
              BASE,
              "127.0.0.1");
      cases.put(
          "ports detail " + new java.util.TreeMap<>(portReq.query()),
          Paging.listBody(
              "ports",
              true,
              ports,
              portReq,
              Port::uuid,
              (g, p) -> PortsResource.write(g, p, v, BASE, null)));
    }
    return cases;
  }

  static byte[] render(JsonBody body) throws Exception {
    JsonOutput out = JsonOutput.render(body);
    try {
      byte[] b = new byte[out.length()];
      out.buffer().get(b);
      return b;
    } finally {
      out.release();
    }
  }

  /** The file's lines: case name, a tab, the document's bytes. */
  private static Map<String, byte[]> expected() throws Exception {
    byte[] all;
    try (InputStream in = NodeJsonOutputTest.class.getResourceAsStream(EXPECTED)) {
      assertThat(in).as(EXPECTED).isNotNull();
      all = in.readAllBytes();
    }
    Map<String, byte[]> expected = new LinkedHashMap<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        byte[] line = Arrays.copyOfRange(all, start, i);
        int tab = 0;
        while (line[tab] != '\t') {
          tab++;
        }
        expected.put(
            new String(line, 0, tab, StandardCharsets.UTF_8),
            Arrays.copyOfRange(line, tab + 1, line.length));
        start = i + 1;
      }
    }
    return expected;
  }

  @Test
  void everyDocumentIsByteForByteAsExpected() throws Exception {
    Map<String, byte[]> expected = expected();
    Map<String, JsonBody> cases = cases();
    assertThat(cases.keySet()).containsExactlyElementsOf(expected.keySet());
    for (var c : cases.entrySet()) {
      byte[] want = expected.get(c.getKey());
      byte[] got = render(c.getValue());
      assertThat(new String(got, StandardCharsets.UTF_8))
          .as(c.getKey())
          .isEqualTo(new String(want, StandardCharsets.UTF_8));
      assertThat(got).as(c.getKey()).isEqualTo(want);
    }
  }

  @Test
  void theExpectedFileShowsWhatMatters() throws Exception {
    String rich = new String(expected().get("rich 1.78"), StandardCharsets.UTF_8);
    assertThat(rich)
        .contains("\"amt_password\":\"******\"")
        .contains("\"private_key\":\"******\"")
        .contains("\"empty_token\":\"\"")
        .contains("\"agent_secret_token\":\"******\"")
        .contains("\"password\":\"extra is not masked\"")
        .contains("\"created_at\":\"2024-02-29T23:59:59.999999+00:00\"")
        .contains("\"provision_updated_at\":\"0001-01-01T00:00:00.000000+00:00\"")
        .contains("\"big_dec\":1.5")
        .contains("lone ? low ? end ?\"")
        .contains("\"properties\":{\"amt_address\":\"10.0.0.5\",\"amt_password\":\"s3cret\"");
    assertThat(rich.substring(rich.indexOf("\"driver_info\""), rich.indexOf("\"extra\"")))
        .doesNotContain("s3cret")
        .doesNotContain("-----BEGIN KEY-----");
    assertThat(new String(expected().get("rich 1.1"), StandardCharsets.UTF_8))
        .contains("\"provision_state\":null")
        .doesNotContain("\"name\":\"rich-");
  }

  /**
   * Writes the expected file from the current code.
   *
   * <pre>java -cp target/test-classes:target/classes:... \
   *   org.amtpxe.conductor.internal.rest.NodeJsonOutputTest src/test/resources</pre>
   */
  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (var c : cases().entrySet()) {
      out.write(c.getKey().getBytes(StandardCharsets.UTF_8));
      out.write('\t');
      out.write(render(c.getValue()));
      out.write('\n');
    }
    Path file =
        Path.of(args[0], NodeJsonOutputTest.class.getPackageName().replace('.', '/'), EXPECTED);
    Files.createDirectories(file.getParent());
    Files.write(file, out.toByteArray());
    System.out.println("wrote " + file + " (" + out.size() + " bytes)");
  }
}
