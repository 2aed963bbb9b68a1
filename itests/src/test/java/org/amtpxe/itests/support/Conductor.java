package org.amtpxe.itests.support;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The conductor's Ironic-compatible REST API, as the tests use it. */
public final class Conductor {
  private final Http http;

  public Conductor(String host, int port) {
    this.http = Http.ironic(host, port);
  }

  public Http http() {
    return http;
  }

  /** Whether the API answers {@code GET /v1}. */
  public boolean isUp() {
    try {
      return http.get("/v1").status() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Waits for the API. */
  public void awaitUp(Duration timeout) {
    Poll.until("the REST API at " + http.base(), timeout, this::isUp);
  }

  /**
   * Enrolls a {@code pxe_amt} node for an emulated AMT.
   *
   * @return the node as created
   */
  public Map<String, Object> createNode(String name, String address, int port, String password) {
    Map<String, Object> driverInfo = new LinkedHashMap<>();
    driverInfo.put("amt_address", address);
    driverInfo.put("amt_port", port);
    driverInfo.put("amt_username", VirtualAmtProcess.USERNAME);
    driverInfo.put("amt_password", password);
    driverInfo.put("amt_protocol", "http");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("driver", "pxe_amt");
    body.put("driver_info", driverInfo);
    return http.post("/v1/nodes", body).ok().json();
  }

  /** Adds a port (a MAC address) to a node. */
  public Map<String, Object> createPort(String nodeUuid, String mac) {
    return http.post("/v1/ports", Map.of("address", mac, "node_uuid", nodeUuid)).ok().json();
  }

  /** One node. */
  public Map<String, Object> node(String ident) {
    return http.get("/v1/nodes/" + ident).ok().json();
  }

  /** Every node, with all fields. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> nodes() {
    return (List<Map<String, Object>>)
        (List<?>) Json.list(http.get("/v1/nodes/detail").ok().json(), "nodes");
  }

  /** Every port, with all fields. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> ports() {
    return (List<Map<String, Object>>)
        (List<?>) Json.list(http.get("/v1/ports/detail").ok().json(), "ports");
  }

  /** Asks for a power change ({@code power on}, {@code power off}, {@code rebooting}). */
  public Http.Reply power(String ident, String target) {
    return http.put("/v1/nodes/" + ident + "/states/power", Map.of("target", target));
  }

  /** Asks for a provisioning change ({@code manage}, {@code provide}, ...). */
  public Http.Reply provision(String ident, String target) {
    return http.put("/v1/nodes/" + ident + "/states/provision", Map.of("target", target));
  }

  /** Sets the boot device; synchronous. */
  public Http.Reply bootDevice(String ident, String device, boolean persistent) {
    return http.put(
        "/v1/nodes/" + ident + "/management/boot_device",
        Map.of("boot_device", device, "persistent", persistent));
  }

  /** Runs every interface's validation. */
  public Http.Reply validate(String ident) {
    return http.get("/v1/nodes/" + ident + "/validate");
  }

  /** Waits until a power change is over, and returns the node then. */
  public Map<String, Object> awaitPowerDone(String ident, Duration timeout) {
    return Poll.until(
        "node " + ident + " to finish its power change",
        timeout,
        () -> node(ident),
        n -> n.get("target_power_state") == null);
  }

  /** Waits until a node is in a provision state with no target, and returns it then. */
  public Map<String, Object> awaitProvisionState(String ident, String state, Duration timeout) {
    return Poll.until(
        "node " + ident + " to reach provision state " + state,
        timeout,
        () -> node(ident),
        n -> state.equals(n.get("provision_state")) && n.get("target_provision_state") == null);
  }

  /** Waits until a node is not reserved by any operation. */
  public Map<String, Object> awaitUnlocked(String ident, Duration timeout) {
    return Poll.until(
        "node " + ident + " to be unlocked",
        timeout,
        () -> node(ident),
        n -> n.get("reservation") == null && n.get("target_power_state") == null);
  }

  /** The message of an Ironic error body ({@code error_message} holds JSON with faultstring). */
  public static String errorMessage(Http.Reply reply) {
    try {
      Object inner = reply.json().get("error_message");
      if (inner instanceof String s && s.startsWith("{")) {
        return String.valueOf(Json.object(s).get("faultstring"));
      }
      return String.valueOf(inner);
    } catch (RuntimeException e) {
      return reply.body();
    }
  }
}
