package org.amtpxe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.benchmarks.RestApiClient.Batch;
import org.amtpxe.benchmarks.RestApiClient.Listing;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.Test;

/**
 * The Java helpers of rest-bench.sh: the Jetty ceiling answers the bytes it was given, and the
 * client's creates, paging (following {@code next}) and deletes work against a small in-memory
 * stand-in for Ironic's v1 node API.
 */
class RestBenchHelpersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theCeilingAnswersEveryGetWithTheSameBytes() throws Exception {
    byte[] body = "{\"uuid\":\"x\",\"name\":\"n\"}".getBytes(StandardCharsets.UTF_8);
    try (JettyCeiling ceiling = JettyCeiling.start(body, "127.0.0.1", 0, 8)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + ceiling.port();
      for (String path : List.of("/v1/nodes/a", "/v1/nodes/b")) {
        HttpResponse<byte[]> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      }
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/nodes"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void createsPagesFollowingNextAndDeletesByPrefix() throws Exception {
    try (FakeNodeApi api = FakeNodeApi.start()) {
      RestApiClient client = new RestApiClient(api.url(), "1.31");

      Batch created = client.create("bench-s", 25, 4, "pxe_amt");
      assertThat(created.ok()).isEqualTo(25);
      assertThat(created.failed()).isZero();
      assertThat(created.line("created")).contains("created=25 failed=0 ");
      Batch other = client.create("other", 3, 2, "fake-hardware");
      assertThat(other.ok()).isEqualTo(3);
      assertThat(api.versions.get()).isEqualTo(28);

      Listing all = client.list("/v1/nodes/detail", 10);
      assertThat(all.items()).hasSize(28);
      assertThat(all.pages()).isEqualTo(3);
      assertThat(all.items().get(0).path("driver_info").path("amt_address").asText())
          .isEqualTo("127.0.0.1");
      Listing first = client.list("/v1/nodes/detail", 10, 1);
      assertThat(first.items()).hasSize(10);
      assertThat(first.pages()).isEqualTo(1);
      Listing exact = client.list("/v1/nodes/detail", 14);
      assertThat(exact.items()).hasSize(28);
      assertThat(exact.pages()).as("a full last page still has a next link").isEqualTo(3);

      Batch deleted = client.delete("bench-s", 4);
      assertThat(deleted.ok()).isEqualTo(25);
      assertThat(client.list("/v1/nodes", 1000).items())
          .extracting(n -> n.path("name").asText())
          .containsExactlyInAnyOrder("other-00001", "other-00002", "other-00003");
      Batch again = client.delete("bench-s", 4);
      assertThat(again.ok()).isZero();
    }
  }

  @Test
  void aFailedCreateIsCountedWithItsReply() throws Exception {
    try (FakeNodeApi api = FakeNodeApi.start()) {
      RestApiClient client = new RestApiClient(api.url(), "1.31");
      assertThat(client.create("dup", 2, 1, "pxe_amt").ok()).isEqualTo(2);
      Batch again = client.create("dup", 2, 2, "pxe_amt");
      assertThat(again.ok()).isZero();
      assertThat(again.failed()).isEqualTo(2);
      assertThat(again.firstError()).startsWith("409:");
    }
  }

  @Test
  void freePortsAreDistinct() throws Exception {
    List<Integer> ports = RestApiClient.freePorts(5);
    assertThat(ports).hasSize(5).doesNotHaveDuplicates().allMatch(p -> p > 0 && p < 65536);
  }

  /** Ironic's node API in miniature: create, list with limit/marker/next, show, delete. */
  private static final class FakeNodeApi implements AutoCloseable {
    private final Server server;
    private final ConcurrentSkipListMap<String, ObjectNode> nodes = new ConcurrentSkipListMap<>();
    private final AtomicInteger versions = new AtomicInteger();

    private FakeNodeApi(Server server) {
      this.server = server;
    }

    static FakeNodeApi start() throws Exception {
      Server server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      FakeNodeApi api = new FakeNodeApi(server);
      server.setHandler(
          new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
                throws Exception {
              api.handle(request, response, callback);
              return true;
            }
          });
      server.start();
      return api;
    }

    String url() {
      return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private synchronized void handle(Request request, Response response, Callback callback)
        throws Exception {
      if ("1.31".equals(request.getHeaders().get(RestApiClient.VERSION_HEADER))
          && request.getMethod().equals("POST")) {
        versions.incrementAndGet();
      }
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      if (method.equals("POST") && path.equals("/v1/nodes")) {
        ObjectNode node = (ObjectNode) JSON.readTree(Content.Source.asString(request));
        boolean taken =
            nodes.values().stream().anyMatch(n -> n.path("name").equals(node.path("name")));
        if (taken) {
          reply(response, callback, 409, JSON.createObjectNode().put("error", "name taken"));
          return;
        }
        // Sortable uuids, so that the listing's order is the creation order.
        String uuid =
            String.format("%08d-", nodes.size()) + UUID.randomUUID().toString().substring(9);
        node.put("uuid", uuid);
        nodes.put(uuid, node);
        reply(response, callback, 201, node);
      } else if (method.equals("GET") && path.startsWith("/v1/nodes")) {
        Fields query = Request.extractQueryParameters(request);
        int limit =
            Integer.parseInt(query.getValue("limit") == null ? "1000" : query.getValue("limit"));
        String marker = query.getValue("marker");
        List<ObjectNode> page = new ArrayList<>();
        for (ObjectNode n : (marker == null ? nodes : nodes.tailMap(marker, false)).values()) {
          if (page.size() == limit) {
            break;
          }
          page.add(n);
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("nodes");
        page.forEach(items::add);
        if (page.size() == limit) {
          body.put(
              "next",
              url()
                  + path
                  + "?limit="
                  + limit
                  + "&marker="
                  + page.get(page.size() - 1).path("uuid").asText());
        }
        reply(response, callback, 200, body);
      } else if (method.equals("DELETE") && path.startsWith("/v1/nodes/")) {
        boolean removed = nodes.remove(path.substring("/v1/nodes/".length())) != null;
        response.setStatus(removed ? 204 : 404);
        callback.succeeded();
      } else {
        response.setStatus(404);
        callback.succeeded();
      }
    }

    private static void reply(Response response, Callback callback, int status, JsonNode body)
        throws Exception {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    }

    @Override
    public void close() throws Exception {
      server.stop();
    }
  }
}
