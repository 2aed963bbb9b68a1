package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.junit.jupiter.api.Test;

/** Transitional: the streaming writers against the tree code they replace, byte for byte. */
class JsonEquivalenceTest {
  private static final List<String> BASES =
      List.of("http://127.0.0.1:6385", "https://[::1]:443", "http://h\"x\\y:1");

  private static String tree(com.fasterxml.jackson.databind.JsonNode node) {
    return new String(Json.write(node).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static byte[] treeBytes(com.fasterxml.jackson.databind.JsonNode node) {
    return Json.write(node).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] stream(JsonBody body) throws Exception {
    JsonOutput out = JsonOutput.render(body);
    try {
      byte[] b = new byte[out.length()];
      out.buffer().get(b);
      return b;
    } finally {
      out.release();
    }
  }

  @Test
  void nodesAtEveryVersionAndFieldSubset() throws Exception {
    int compared = 0;
    for (Node n : JsonCases.nodes()) {
      for (int minor = 1; minor <= 78; minor++) {
        ApiVersion v = new ApiVersion(1, minor);
        for (String base : BASES) {
          for (String host : new String[] {"conductor-1", null}) {
            assertThat(stream(NodeJson.body(n, v, base, host, null)))
                .as("%s at %s", n.uuid(), v)
                .isEqualTo(treeBytes(NodeJson.render(n, v, base, host, null)));
            compared++;
          }
        }
        for (List<String> fields : JsonCases.fieldSubsets()) {
          assertThat(stream(NodeJson.body(n, v, BASES.get(0), "c", fields)))
              .as("%s at %s fields %s", n.uuid(), v, fields)
              .isEqualTo(treeBytes(NodeJson.render(n, v, BASES.get(0), "c", fields)));
          compared++;
        }
        assertThat(stream(NodeJson.statesBody(n, v, BASES.get(0))))
            .isEqualTo(treeBytes(NodeJson.renderStates(n, v, BASES.get(0))));
        assertThat(stream(g -> NodeJson.writeShort(g, n, v, BASES.get(0))))
            .isEqualTo(treeBytes(NodeJson.renderShort(n, v, BASES.get(0))));
      }
    }
    assertThat(compared).isGreaterThan(1000);
  }

  @Test
  void portsAtEveryVersion() throws Exception {
    for (Port p : JsonCases.ports()) {
      for (int minor = 1; minor <= 78; minor++) {
        ApiVersion v = new ApiVersion(1, minor);
        for (List<String> fields :
            java.util.Arrays.asList(
                null,
                List.of("uuid", "address", "links"),
                List.of("extra", "is_smartnic", "pxe_enabled", "physical_network"))) {
          assertThat(stream(PortsResource.body(p, v, BASES.get(1), fields)))
              .isEqualTo(treeBytes(PortsResource.render(p, v, BASES.get(1), fields)));
        }
      }
    }
  }

  @Test
  void pagesWithAndWithoutNext() throws Exception {
    List<Node> nodes = JsonCases.nodes();
    ApiVersion v = new ApiVersion(1, 31);
    for (Map<String, String> query :
        List.of(
            Map.<String, String>of(),
            Map.of("limit", "3"),
            Map.of("limit", "3", "sort_key", "name", "fields", "uuid,name"),
            Map.of("limit", "2", "marker", nodes.get(0).uuid(), "x y", "a&b=c"))) {
      ApiRequest req =
          new ApiRequest("GET", List.of("nodes"), query, v, "", BASES.get(0), "127.0.0.1");
      int limit = Paging.limit(req);
      for (boolean detail : new boolean[] {false, true}) {
        for (List<Node> page : List.of(nodes, nodes.subList(0, 2), List.<Node>of())) {
          assertThat(
                  new String(
                      stream(
                          Paging.pageBody(
                              "nodes",
                              detail,
                              page,
                              limit,
                              req,
                              Node::uuid,
                              (g, n) -> NodeJson.write(g, n, v, BASES.get(0), "c", null))),
                      StandardCharsets.UTF_8))
              .isEqualTo(
                  tree(
                      Paging.pageBody(
                          "nodes",
                          detail,
                          page,
                          limit,
                          req,
                          Node::uuid,
                          n -> NodeJson.render(n, v, BASES.get(0), "c", null))));
        }
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
              BASES.get(0),
              "127.0.0.1");
      assertThat(
              stream(
                  Paging.listBody(
                      "ports",
                      true,
                      ports,
                      portReq,
                      Port::uuid,
                      (g, p) -> PortsResource.write(g, p, v, BASES.get(0), null))))
          .isEqualTo(
              treeBytes(
                  Paging.listBody(
                      "ports",
                      true,
                      ports,
                      portReq,
                      Port::uuid,
                      p -> PortsResource.render(p, v, BASES.get(0), null))));
    }
  }
}
