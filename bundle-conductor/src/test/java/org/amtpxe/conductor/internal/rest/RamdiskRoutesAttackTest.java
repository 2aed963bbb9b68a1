package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.RamdiskService;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.testing.BoundHttp;
import org.amtpxe.conductor.internal.testing.BoundHttp.Reply;
import org.amtpxe.conductor.internal.testing.FakeDriver;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deploy ramdisk's unauthenticated routes attacked the way a stranger on the provisioning
 * network would: raw HTTP from other addresses, guessed and stale tokens, floods.
 */
class RamdiskRoutesAttackTest {
  private static final String RAMDISK = "127.0.0.1";
  private static final String STRANGER = "127.0.0.2";
  private static final String MAC = "52:54:00:00:be:01";

  private TestConductor c;
  private ApiServer server;
  private BoundHttp raw;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    server = new ApiServer("127.0.0.1", 0, 16, new ApiHandler(c.service, null));
    raw = new BoundHttp("127.0.0.1", server.port());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  /** A node in wait call-back with a PXE port. */
  private Node waiting(String name, String mac) throws Exception {
    Node n = c.enroll(name);
    c.service
        .ports()
        .createPort(
            Port.builder(
                    UUID.randomUUID().toString(),
                    org.amtpxe.api.model.MacAddress.parse(mac),
                    n.uuid())
                .build());
    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.PROVIDE);
    c.service
        .nodes()
        .updateNode(
            n.uuid(),
            cur -> cur.toBuilder().instanceInfo(Map.of("image_source", "http://i")).build());
    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.ACTIVE);
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.WAIT_CALLBACK);
    return c.reload(n);
  }

  private Reply lookup(String from, String mac) throws Exception {
    return raw.get(from, "/v1/lookup?addresses=" + mac, "1.22");
  }

  private Reply callback(String from, String node, String token) throws Exception {
    return raw.postJson(
        from,
        "/v1/nodes/" + node + "/vendor_passthru/" + FakeDriver.CALLBACK,
        "1.22",
        token == null ? "{}" : "{\"agent_token\": \"" + token + "\"}");
  }

  private static String token(Reply lookup) throws Exception {
    return new ObjectMapper().readTree(lookup.body()).at("/config/agent_token").asText();
  }

  @Test
  void everyRefusalIsTheSameAnswerSoNothingIsLearnedAboutNodes() throws Exception {
    Node node = waiting("n1", MAC);
    Node idle = c.enroll("idle");
    String token = token(lookup(RAMDISK, MAC));

    List<Reply> refused =
        List.of(
            callback(STRANGER, UUID.randomUUID().toString(), "guess"),
            callback(STRANGER, "no-such-name", "guess"),
            callback(STRANGER, idle.uuid(), "guess"),
            callback(STRANGER, node.uuid(), null),
            callback(STRANGER, node.uuid(), "guess"),
            callback(STRANGER, node.uuid(), token), // stolen token, wrong address
            lookup(STRANGER, MAC), // taken
            lookup(STRANGER, "52:54:00:00:00:99"), // unknown
            lookup(STRANGER, "52:54:00:00:00:98"));

    for (Reply r : refused) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.body()).isEqualTo(refused.get(0).body());
    }
    assertThat(refused.get(0).body()).contains("No deploy is waiting for this ramdisk");
    assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.WAIT_CALLBACK);
    assertThat(c.driver.calls("deploy.validateCallback")).isEmpty();

    assertThat(callback(RAMDISK, node.uuid(), token).status()).isEqualTo(202);
    assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.ACTIVE);
    Reply stale = callback(RAMDISK, node.uuid(), token);
    assertThat(stale.status()).isEqualTo(404);
    assertThat(stale.body()).isEqualTo(refused.get(0).body());
  }

  @Test
  void aBogusCallbackIsRefusedBeforeTheNodeLockIsTaken() throws Exception {
    Node node = waiting("locked", MAC);
    String token = token(lookup(RAMDISK, MAC));
    // Another operation holds the node: a bogus callback must not even reach the lock (before the
    // fix it took the lock first and answered 409, so a flood kept the real callback out).
    assertThat(c.store.reserve(node.uuid(), "another-conductor")).isTrue();

    Reply bogus = callback(STRANGER, node.uuid(), "guess");
    assertThat(bogus.status()).isEqualTo(404);

    Reply real = callback(RAMDISK, node.uuid(), token);
    assertThat(real.status()).as("the real ramdisk gets through to the lock").isEqualTo(409);
    c.store.release(node.uuid(), "another-conductor");
    assertThat(callback(RAMDISK, node.uuid(), token).status()).isEqualTo(202);
  }

  @Test
  void aFloodOfBogusCallbacksDoesNotKeepTheRealRamdiskOut() throws Exception {
    Node node = waiting("flooded", MAC);
    ExecutorService flood = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> sent = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        sent.add(flood.submit(() -> callback(STRANGER, node.uuid(), "guess").status()));
      }
      Reply found = lookup(RAMDISK, MAC);
      assertThat(found.status()).isEqualTo(200);
      Reply real = callback(RAMDISK, node.uuid(), token(found));
      assertThat(real.status()).as(real.body()).isEqualTo(202);
      for (Future<Integer> f : sent) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isIn(404, 429);
      }
    } finally {
      flood.shutdownNow();
    }
    assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.ACTIVE);
    assertThat(c.reload(node).reservation()).isNull();
  }

  @Test
  void ofConcurrentLookupsExactlyOneGetsTheToken() throws Exception {
    waiting("race", MAC);
    ExecutorService racers = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> lookups = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String from = "127.0.0." + (10 + i);
        lookups.add(racers.submit(() -> lookup(from, MAC).status()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : lookups) {
        statuses.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
      assertThat(statuses).filteredOn(s -> s == 404).hasSize(15);
    } finally {
      racers.shutdownNow();
    }
  }

  @Test
  void oneAddressIsRateLimitedWhileOthersAreServed() throws Exception {
    Node node = waiting("limited", MAC);
    Reply last = null;
    for (int i = 0; i < 30; i++) {
      last = callback(STRANGER, node.uuid(), "guess");
      if (last.status() == 429) {
        break;
      }
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.headers()).containsIgnoringCase("Retry-After");
    assertThat(last.body()).contains("Too many deploy ramdisk requests");

    Reply found = lookup(RAMDISK, MAC);
    assertThat(found.status()).isEqualTo(200);
    assertThat(callback(RAMDISK, node.uuid(), token(found)).status()).isEqualTo(202);
  }

  @Test
  void theTokenEndsWithItsDeployAndTheNextDeployGetsANewOne() throws Exception {
    Node node = waiting("again", MAC);
    String first = token(lookup(RAMDISK, MAC));
    c.service.provision().changeProvisionState(node.uuid(), ProvisionAction.DELETED);
    assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.AVAILABLE);
    c.service
        .nodes()
        .updateNode(
            node.uuid(),
            cur -> cur.toBuilder().instanceInfo(Map.of("image_source", "http://i")).build());
    c.service.provision().changeProvisionState(node.uuid(), ProvisionAction.ACTIVE);
    assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.WAIT_CALLBACK);

    assertThat(callback(RAMDISK, node.uuid(), first).status()).isEqualTo(404);
    Reply second = lookup(RAMDISK, MAC);
    assertThat(second.status()).isEqualTo(200);
    assertThat(token(second)).isNotEqualTo(first);
    assertThat(callback(RAMDISK, node.uuid(), token(second)).status()).isEqualTo(202);
  }

  @Test
  void theRefusalNamesNoNodeAndNoToken() throws Exception {
    Node node = waiting("quiet", MAC);
    String token = token(lookup(RAMDISK, MAC));
    Reply r = callback(STRANGER, node.uuid(), token);
    assertThat(r.body()).doesNotContain(node.uuid()).doesNotContain(token).doesNotContain("quiet");
    assertThat(RamdiskService.RAMDISK_REFUSED).doesNotContain("%");
  }

  @Test
  void behindATrustedLoadBalancerOnlyTheAddressItAppendedCountsAndAStrangersHeaderNothing()
      throws Exception {
    String proxy = "127.0.0.3";
    ApiServer proxied =
        new ApiServer(
            "127.0.0.1",
            0,
            16,
            new ApiHandler(
                c.service,
                null,
                new ApiHandler.Options(
                    java.time.Duration.ofSeconds(10), false, true, java.util.Set.of(proxy))));
    try {
      BoundHttp http = new BoundHttp("127.0.0.1", proxied.port());
      Node node = waiting("vip", MAC);
      // The ramdisk at STRANGER's address looks up directly; its X-Forwarded-For (RAMDISK) is
      // ignored, since it is no trusted proxy: the lookup is STRANGER's.
      String lookup =
          "GET /v1/lookup?addresses="
              + MAC
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-OpenStack-Ironic-API-Version: 1.22\r\n"
              + "X-Forwarded-For: "
              + RAMDISK
              + "\r\n\r\n";
      String token = token(http.send(STRANGER, lookup));
      assertThat(callback(RAMDISK, node.uuid(), token).status()).isEqualTo(404);
      // Through the proxy, the entries a client wrote before the proxy's own count for nothing.
      Reply spoofed =
          http.send(proxy, callbackThroughProxy(node.uuid(), token, STRANGER + ", " + RAMDISK));
      assertThat(spoofed.status()).isEqualTo(404);
      // HAProxy's option forwardfor adds a header line of its own after the client's: only the
      // last line's last entry is the proxy's.
      Reply twoLines =
          http.send(
              proxy,
              callbackThroughProxy(
                  node.uuid(), token, RAMDISK + "\r\nX-Forwarded-For: " + STRANGER));
      assertThat(twoLines.status()).as(twoLines.toString()).isEqualTo(404);
      Reply bad = http.send(proxy, callbackThroughProxy(node.uuid(), token, "not-an-address"));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body()).contains("X-Forwarded-For").contains("option forwardfor");
      assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.WAIT_CALLBACK);
      Reply accepted =
          http.send(proxy, callbackThroughProxy(node.uuid(), token, RAMDISK + ", " + STRANGER));
      assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
      assertThat(c.reload(node).provisionState()).isEqualTo(ProvisionState.ACTIVE);
    } finally {
      proxied.close();
    }
  }

  private static String callbackThroughProxy(String node, String token, String forwardedFor) {
    String json = "{\"agent_token\": \"" + token + "\"}";
    return "POST /v1/nodes/"
        + node
        + "/vendor_passthru/"
        + FakeDriver.CALLBACK
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-OpenStack-Ironic-API-Version: 1.22\r\n"
        + "X-Forwarded-For: "
        + forwardedFor
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + json.length()
        + "\r\n\r\n"
        + json;
  }
}
