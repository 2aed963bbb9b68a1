package org.amtpxe.amt.fake;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtManagement;
import org.amtpxe.amt.internal.AmtPower;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.BootSequence;
import org.amtpxe.amt.internal.wsman.TransportSettings;
import org.amtpxe.api.model.Node;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.RequestRecord;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;

/**
 * One virtual AMT (the project's emulator, in-process on a free loopback port) with the real AMT
 * Power and Management components in front of it, built as the DS runtime builds them.
 */
public final class EmulatedAmt implements AutoCloseable {
  public static final String USERNAME = "admin";
  public static final String PASSWORD = "Vamt-P@ss1";
  public static final String NODE = "vamt-1";

  public final VirtualAmt emulator;
  public final VirtualAmtNode node;
  private AmtGateway gateway;
  private AmtPower power;
  private AmtManagement management;

  private EmulatedAmt(VirtualAmt emulator, AmtSettings settings) {
    this.emulator = emulator;
    this.node = emulator.node(NODE);
    use(settings);
  }

  /** A node that is off, with default switches, and the driver with {@link #settings()}. */
  public static EmulatedAmt start() throws IOException {
    return start(spec -> spec, settings());
  }

  /**
   * Starts the emulator with one node.
   *
   * @param spec changes to the node's defaults (free port, no TLS, the test credentials)
   * @param settings the driver configuration
   */
  public static EmulatedAmt start(UnaryOperator<NodeSpec.Builder> spec, AmtSettings settings)
      throws IOException {
    NodeSpec.Builder builder =
        NodeSpec.builder(NODE).address("127.0.0.1").port(0).username(USERNAME).password(PASSWORD);
    return new EmulatedAmt(
        VirtualAmt.builder().node(spec.apply(builder).build()).workerThreads(8).start(), settings);
  }

  /** Fast test settings: Intel's boot sequence, 3 attempts, 5 ms action_wait, no wake-up. */
  public static AmtSettings settings() {
    return TestSettings.settings();
  }

  /** Fast test settings with this boot sequence and max_attempts. */
  public static AmtSettings settings(BootSequence sequence, int maxAttempts) {
    return TestSettings.settings(sequence, maxAttempts);
  }

  /** Fast test settings with this transport. */
  public static AmtSettings settings(TransportSettings transport) {
    AmtSettings base = TestSettings.settings();
    return new AmtSettings(
        base.protocol(), base.maxAttempts(), base.actionWait(), base.bootSequence(), transport);
  }

  /** The test transport settings with another read timeout, awake_interval and wake-up. */
  public static TransportSettings transport(
      Duration readTimeout, Duration awakeInterval, int wakeAttempts, Duration wakeRetryDelay) {
    TransportSettings base = TestSettings.transport();
    return new TransportSettings(
        base.connectTimeout(),
        readTimeout,
        base.maxReplyBytes(),
        awakeInterval,
        wakeAttempts,
        wakeRetryDelay,
        base.trustStore());
  }

  /** Replaces the driver (a new gateway, as after a bundle restart) with other settings. */
  public void use(AmtSettings settings) {
    if (gateway != null) {
      gateway.close();
    }
    gateway = TestSettings.gateway(settings);
    power = new AmtPower(gateway, Map.of("amt.version", "1.0.0.vamt"));
    management = new AmtManagement(gateway, Map.of("amt.version", "1.0.0.vamt"));
  }

  public AmtGateway gateway() {
    return gateway;
  }

  public AmtPower power() {
    return power;
  }

  public AmtManagement management() {
    return management;
  }

  /** The node's AMT driver_info, http on its port. */
  public Map<String, Object> driverInfo() {
    Map<String, Object> info = new HashMap<>();
    info.put("amt_address", node.spec().address());
    info.put("amt_port", node.port());
    info.put("amt_username", USERNAME);
    info.put("amt_password", PASSWORD);
    return info;
  }

  /** A task under the exclusive lock on a node with {@link #driverInfo()}. */
  public FakeTask task() {
    return task(driverInfo());
  }

  /** A task under the exclusive lock on a node with this driver_info. */
  public FakeTask task(Map<String, Object> driverInfo) {
    Node n = FakeTask.node(driverInfo);
    return new FakeTask(n, false, power, management);
  }

  /** A task under a shared lock, as the power sync holds. */
  public FakeTask sharedTask() {
    return new FakeTask(FakeTask.node(driverInfo()), true, power, management);
  }

  /** Changes some realism switches of the node. */
  public void switches(UnaryOperator<Switches.Builder> change) {
    node.setSwitches(change.apply(node.switches().toBuilder()).build());
  }

  /** The emulator's counters for the node. */
  public NodeCounters counters() {
    return node.counters();
  }

  /** The WS-Man operations the node received since the last reset, oldest first. */
  public List<String> actions() {
    return node.requestLog().stream().map(RequestRecord::action).toList();
  }

  /** The request log entries of one operation. */
  public List<RequestRecord> requests(String action) {
    return node.requestLog().stream().filter(r -> r.action().equals(action)).toList();
  }

  /** Counters and request log back to zero. */
  public void resetCounters() {
    node.resetCounters();
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      emulator.close();
    }
  }
}
