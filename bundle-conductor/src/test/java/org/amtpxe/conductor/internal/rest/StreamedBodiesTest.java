package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Response bodies are rendered into pooled buffers that go back to the pool once Jetty has written
 * them: clients that pipeline large lists and do not read (so that their buffers stay in use),
 * while others hammer node show and lists, must each get exactly their own bytes.
 */
class StreamedBodiesTest {
  private static final int NODES = 30;

  private TestConductor c;
  private ApiServer server;
  private InetSocketAddress address;
  private final List<String> uuids = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    server = new ApiServer("127.0.0.1", 0, 16, new ApiHandler(c.service, null));
    address = new InetSocketAddress("127.0.0.1", server.port());
    for (int i = 0; i < NODES; i++) {
      Map<String, Object> extra = new LinkedHashMap<>();
      // About 32 KB per node, so that a detail list (about 1 MB) outgrows the socket buffers.
      extra.put("blob", ("node-" + i + "-").repeat(4000));
      Node n =
          c.service
              .nodes()
              .createNode(
                  Node.builder(UUID.randomUUID().toString(), "fake")
                      .name("n" + i)
                      .driverInfo(Map.of("fake_address", "10.0.0." + i, "fake_password", "p" + i))
                      .extra(extra)
                      .build());
      uuids.add(n.uuid());
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  private static byte[] get(String path) {
    return RawHttp.head(
        "GET " + path + " HTTP/1.1", "Host: 127.0.0.1", "X-OpenStack-Ironic-API-Version: 1.78");
  }

  /** One request per connection, read whole. */
  private byte[] fetch(String path) throws Exception {
    RawHttp.Reply r = RawHttp.exchange(address, get(path), false, java.time.Duration.ofSeconds(10));
    assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
    return r.body();
  }

  @Test
  void everyClientGetsItsOwnBytesWhileOthersHoldBuffers() throws Exception {
    byte[] detail = fetch("/v1/nodes/detail");
    assertThat(detail.length).isGreaterThan(900_000);
    // NOTE: the stalled clients' list differs from the others' at every offset, so that a buffer
    // reused while still being sent would show.
    byte[] reversed = fetch("/v1/nodes/detail?sort_dir=desc");
    Map<String, byte[]> shows = new LinkedHashMap<>();
    for (String uuid : uuids) {
      shows.put(uuid, fetch("/v1/nodes/" + uuid));
    }
    // Stalled clients: three pipelined detail lists each, nothing read yet.
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(address, 5000);
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        for (int k = 0; k < 3; k++) {
          out.write(get("/v1/nodes/detail?sort_dir=desc"));
        }
        out.flush();
        stalled.add(s);
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> runs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int seed = t;
          runs.add(
              pool.submit(
                  () -> {
                    int checked = 0;
                    try (Socket s = new Socket()) {
                      s.connect(address, 5000);
                      s.setSoTimeout(30_000);
                      InputStream in = new BufferedInputStream(s.getInputStream());
                      for (int k = 0; k < 60; k++) {
                        String uuid = uuids.get((seed * 7 + k) % NODES);
                        boolean list = k % 10 == seed % 10;
                        s.getOutputStream()
                            .write(get(list ? "/v1/nodes/detail" : "/v1/nodes/" + uuid));
                        RawHttp.Reply r = RawHttp.read(in, System.nanoTime());
                        assertThat(r.status()).isEqualTo(200);
                        assertThat(r.body()).isEqualTo(list ? detail : shows.get(uuid));
                        checked++;
                      }
                    }
                    return checked;
                  }));
        }
        int total = 0;
        for (Future<Integer> run : runs) {
          total += run.get();
        }
        assertThat(total).isEqualTo(8 * 60);
      } finally {
        pool.shutdownNow();
      }
      for (Socket s : stalled) {
        InputStream in = new BufferedInputStream(s.getInputStream());
        for (int k = 0; k < 3; k++) {
          RawHttp.Reply r = RawHttp.read(in, System.nanoTime());
          assertThat(r.status()).isEqualTo(200);
          assertThat(new String(r.body(), StandardCharsets.UTF_8))
              .isEqualTo(new String(reversed, StandardCharsets.UTF_8));
        }
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }
}
