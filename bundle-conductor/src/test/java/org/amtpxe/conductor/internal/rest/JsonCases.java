package org.amtpxe.conductor.internal.rest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;

/**
 * Nodes, ports and maps that exercise every corner of the API's JSON: secrets at every depth and of
 * every type, nulls, text that needs escaping or is not valid UTF-16, numbers of every Java type,
 * timestamps at the edges of the calendar.
 */
final class JsonCases {
  private JsonCases() {}

  /** A map in the order given (Map.of's order changes from one JVM start to the next). */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static final String TRICKY =
      "q\"b\\s/ nl\n tab\t ctl\u0001\u001f del\u007f é ü \u2028 \u20ac emoji \uD83D\uDE00 lone"
          + " \uD800 low \uDC00 end \uD83D";

  /** A map with secrets at depth and values of every type a node document may hold. */
  static Map<String, Object> secretsAtDepth() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("private_key", "-----BEGIN KEY-----");
    inner.put("empty_token", "");
    inner.put("null_secret", null);
    inner.put("name", "inner");
    inner.put(
        "deeper", map("Deploy_Key", "k", "list", List.of(map("password", "in list", "b", 2))));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("amt_address", "10.0.0.5");
    m.put("amt_password", "s3cret");
    m.put("AMT_PASSWORD_FILE", "/etc/x");
    m.put("ipmi_Secret_word", 1234);
    m.put("token_map", Map.of("a", 1));
    m.put("passwords", List.of("a", "b"));
    m.put("nested", inner);
    m.put("list", List.of(1, "two", Map.of("token", "not masked in a list"), List.of()));
    m.put("int", Integer.MIN_VALUE);
    m.put("long", Long.MAX_VALUE);
    m.put("double", 0.1 + 0.2);
    m.put("negzero", -0.0);
    m.put("big_int", new BigInteger("123456789012345678901234567890"));
    m.put("big_dec", new BigDecimal("1.500"));
    m.put("big_dec_int", new BigDecimal("100"));
    m.put("big_dec_zero", new BigDecimal("0.000"));
    m.put("float", 1.1f);
    m.put("short", (short) 7);
    m.put("bool", true);
    m.put("null", null);
    m.put("text", TRICKY);
    m.put(TRICKY, "key needs escaping");
    m.put("empty", Map.of());
    return m;
  }

  /** A node with every field set and hard to write. */
  static Node rich() {
    return Node.builder("1be26c0b-03f2-4d2e-ae87-c02d7f33c123", "pxe_amt")
        .name("rich-" + TRICKY)
        .driverInfo(secretsAtDepth())
        .driverInternalInfo(map("agent_url", "http://10.0.0.9:9999", "agent_secret_token", "t"))
        .instanceInfo(map("image_source", "http://img/x.qcow2", "image_checksum", "md5"))
        .properties(secretsAtDepth())
        .extra(map("rack", "r1", "password", "extra is not masked"))
        .instanceUuid("6f3c5c9e-2b6f-4a8e-9c1e-0a3b2c1d0e9f")
        .powerState(PowerState.POWER_ON)
        .targetPowerState(PowerState.POWER_OFF)
        .provisionState(ProvisionState.AVAILABLE)
        .targetProvisionState(ProvisionState.ACTIVE)
        .lastError("failed: " + TRICKY)
        .maintenance(true)
        .maintenanceReason("reason </script>")
        .fault("power failure")
        .reservation("conductor-1")
        .description("desc")
        .owner("owner-project")
        .lessee("lessee-project")
        .resourceClass("baremetal.large")
        .conductorGroup("group-a")
        .retired(true)
        .retiredReason("old")
        .protectedNode(true)
        .protectedReason("prod")
        .automatedClean(false)
        .createdAt(Instant.parse("2024-02-29T23:59:59.999999999Z"))
        .updatedAt(Instant.parse("1969-12-31T23:59:59.000001Z"))
        .provisionUpdatedAt(Instant.parse("0001-01-01T00:00:00Z"))
        .build();
  }

  /** A node with nothing but what a node must have. */
  static Node bare() {
    return Node.builder("00000000-0000-4000-8000-000000000000", "fake")
        .provisionState(ProvisionState.ENROLL)
        .createdAt(Instant.EPOCH)
        .build();
  }

  /** A node between the two, in available, with timestamps at odd places. */
  static Node middle() {
    return Node.builder("ffffffff-ffff-4fff-bfff-ffffffffffff", "fake")
        .name("middle")
        .driverInfo(map("fake_address", "10.0.0.1", "fake_password", "pw"))
        .properties(map("cpus", 4, "memory_mb", 8192, "local_gb", 1.5))
        .provisionState(ProvisionState.AVAILABLE)
        .targetProvisionState(null)
        .powerState(PowerState.POWER_OFF)
        .automatedClean(true)
        .createdAt(Instant.parse("9999-12-31T23:59:59.123456789Z"))
        .updatedAt(Instant.parse("2000-03-01T00:00:00.1Z"))
        .provisionUpdatedAt(Instant.parse("+10000-01-01T00:00:00Z"))
        .build();
  }

  static List<Node> nodes() {
    return List.of(rich(), bare(), middle());
  }

  static List<Port> ports() {
    return List.of(
        Port.builder(
                "3c1ad9a1-5a5f-4e5e-b1f7-6f6c0e6f7a10",
                MacAddress.parse("52:54:00:12:34:56"),
                "1be26c0b-03f2-4d2e-ae87-c02d7f33c123")
            .pxeEnabled(false)
            .extra(secretsAtDepth())
            .createdAt(Instant.parse("2026-01-01T10:00:00Z"))
            .updatedAt(Instant.parse("2026-01-01T10:00:00.5Z"))
            .build(),
        Port.builder(
                "7c1ad9a1-5a5f-4e5e-b1f7-6f6c0e6f7a11",
                MacAddress.parse("52:54:00:ab:cd:ef"),
                "00000000-0000-4000-8000-000000000000")
            .build());
  }

  /** Field subsets a client may ask for, some with fields its version does not have. */
  static List<List<String>> fieldSubsets() {
    List<List<String>> subsets = new ArrayList<>();
    subsets.add(NodeJson.LIST_FIELDS);
    subsets.add(NodeJson.STATE_FIELDS);
    subsets.add(List.of("uuid"));
    subsets.add(List.of("links", "driver_info", "uuid"));
    subsets.add(List.of("boot_mode", "retired", "conductor", "fault", "traits", "deploy_step"));
    subsets.add(List.of("instance_info", "driver_internal_info", "extra", "properties"));
    List<String> reversed = new ArrayList<>(NodeJson.FIELDS.keySet());
    java.util.Collections.reverse(reversed);
    subsets.add(reversed);
    Random random = new Random(42);
    List<String> all = new ArrayList<>(NodeJson.FIELDS.keySet());
    for (int i = 0; i < 5; i++) {
      java.util.Collections.shuffle(all, random);
      subsets.add(List.copyOf(all.subList(0, 1 + random.nextInt(all.size() - 1))));
    }
    return subsets;
  }

  /** Random JSON-like maps for the masking comparison. */
  static Map<String, Object> randomMap(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = r.nextInt(6);
    List<String> keys =
        Arrays.asList(
            "a",
            "Password",
            "x_token_y",
            "secret",
            "PRIVATE_KEY",
            "deploy_key",
            "name",
            "tok",
            "pass_word",
            TRICKY,
            "",
            "k\u0130ey");
    for (int i = 0; i < n; i++) {
      String k = keys.get(r.nextInt(keys.size())) + (r.nextBoolean() ? "" : "_" + i);
      m.put(k, randomValue(r, depth));
    }
    return m;
  }

  private static Object randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 0 ? 12 : 9);
    return switch (kind) {
      case 0 -> null;
      case 1 -> "";
      case 2 -> TRICKY.substring(r.nextInt(TRICKY.length()));
      case 3 -> r.nextInt();
      case 4 -> r.nextLong();
      case 5 -> r.nextDouble() * 1e6;
      case 6 -> r.nextBoolean();
      case 7 -> new BigDecimal(BigInteger.valueOf(r.nextInt(100000)), r.nextInt(5));
      case 8 -> "v" + r.nextInt(10);
      case 9, 10 -> randomMap(r, depth - 1);
      default -> {
        List<Object> list = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          list.add(r.nextBoolean() ? randomMap(r, depth - 1) : randomValue(r, depth - 1));
        }
        yield list;
      }
    };
  }
}
