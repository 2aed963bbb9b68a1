package org.amtpxe.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.amtpxe.itests.support.ClientLoad;
import org.amtpxe.itests.support.Conductor;
import org.amtpxe.itests.support.ConfigFile;
import org.amtpxe.itests.support.FreePorts;
import org.amtpxe.itests.support.Http;
import org.amtpxe.itests.support.Json;
import org.amtpxe.itests.support.Listeners;
import org.amtpxe.itests.support.LogFile;
import org.amtpxe.itests.support.Poll;
import org.amtpxe.itests.support.VirtualAmtProcess;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The whole stack running in Karaf against a virtual AMT process, driven through the REST API:
 * configuration files changed under it, the AMT bundle replaced under load and rolled back, the AMT
 * bundle removed and put back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RunningStackIT extends KarafTestSupport {
  private static final String AMT_BSN = "org.amtpxe.bundle-amt";
  private static final String PXE_BSN = "org.amtpxe.bundle-pxe";
  private static final String CONDUCTOR_BSN = "org.amtpxe.bundle-conductor";
  private static final String AMT_PID = "org.amtpxe.amt";
  private static final String PXE_PID = "org.amtpxe.pxe";
  private static final String CONDUCTOR_PID = "org.amtpxe.conductor";
  private static final String UNAVAILABLE =
      "the AMT driver bundle is not installed or not active; install feature amtpxe-amt";

  /** How long pxe_amt waits for AMT services that went away (pxe's amt_wait), in seconds. */
  private static final int AMT_WAIT = 8;

  private static final Duration OP_TIMEOUT = Duration.ofSeconds(60);

  /** Emulated machines on 127.0.72.1-6; four carry the client load. */
  private static final List<String> NODES = List.of("rs-1", "rs-2", "rs-3", "rs-4", "rs-5", "rs-6");

  private static final List<String> LOAD_NODES = NODES.subList(0, 4);

  private static VirtualAmtProcess amt;

  // Injected once Karaf has installed its boot features (ours among them).
  @Inject private BootFinished bootFinished;
  @Inject private BundleContext context;
  @Inject private ServiceComponentRuntime scr;
  @Inject private SessionFactory shellSessions;

  private Conductor conductor;

  @Configuration
  public Option[] config() {
    return karaf(
        features(featuresRepository(), "amtpxe"),
        // Short waits: the virtual AMT answers at once.
        editConfigurationFilePut("etc/org.amtpxe.amt.cfg", "action_wait", "1"),
        editConfigurationFilePut("etc/org.amtpxe.amt.cfg", "max_attempts", "3"),
        editConfigurationFilePut("etc/org.amtpxe.amt.cfg", "awake_interval", "0"),
        editConfigurationFilePut("etc/org.amtpxe.amt.cfg", "drain_timeout", "20"),
        editConfigurationFilePut("etc/org.amtpxe.pxe.cfg", "amt_wait", String.valueOf(AMT_WAIT)),
        editConfigurationFilePut("etc/org.amtpxe.conductor.cfg", "sync_interval", "1"));
  }

  /** Starts the virtual AMT and enrolls its machines, once for the class. */
  @Before
  public void stack() throws Exception {
    conductor = new Conductor("127.0.0.1", intProperty(API_PORT));
    conductor.awaitUp(Duration.ofSeconds(60));
    if (amt == null) {
      amt =
          VirtualAmtProcess.start(
              new VirtualAmtProcess.Spec(
                  virtualAmtJar(),
                  itDir().resolve("running-stack"),
                  "virtual-amt",
                  NODES.size(),
                  "rs-",
                  "127.0.72.1",
                  16992,
                  "127.0.72.250",
                  FreePorts.tcp(),
                  "Stack-P@ss1",
                  200));
    }
    for (int i = 0; i < NODES.size(); i++) {
      String name = NODES.get(i);
      if (conductor.http().get("/v1/nodes/" + name).status() == 404) {
        String uuid =
            (String)
                conductor
                    .createNode(name, "127.0.72." + (i + 1), 16992, amt.password())
                    .get("uuid");
        conductor.createPort(uuid, String.format("52:54:00:72:00:%02x", i + 1));
        conductor.provision(name, "manage").ok();
      }
    }
    for (String name : NODES) {
      conductor.awaitProvisionState(name, "manageable", OP_TIMEOUT);
    }
  }

  // ---- health and metrics ----

  /**
   * {@code GET /health} is UP with every check of the stack, {@code amtpxe:status} prints them in
   * the Karaf shell, and {@code /metrics} shows the power sync's AMT requests.
   */
  @Test
  public void healthIsUpStatusPrintsTheChecksAndMetricsCountAmtRequests() throws Exception {
    Http.Reply health = conductor.http().get("/health");
    assertThat(health.status()).as(health.body()).isEqualTo(200);
    assertThat(health.json()).containsEntry("status", "UP");
    assertThat(health.body())
        .contains("\"conductor.api\"")
        .contains("\"conductor.database\"")
        .contains("\"conductor.drivers\"")
        .contains("\"conductor.workers\"")
        .contains("\"pxe.http\"")
        .contains("listening on UDP 127.0.0.1:" + intProperty(TFTP_PORT));

    String status = shell("amtpxe:status");
    assertThat(status)
        .contains("conductor.database")
        .contains("available: pxe_amt")
        .contains("pxe.tftp")
        .contains("listening on TCP 127.0.0.1:" + intProperty(HTTP_PORT))
        .contains("Overall: UP");

    // sync_interval is 1 s: the power sync has read the nodes through the AMT bundle by now.
    Poll.until(
        "the AMT requests of the power sync in /metrics",
        Duration.ofSeconds(30),
        () ->
            conductor
                .http()
                .get("/metrics")
                .body()
                .contains(
                    "amtpxe_amt_requests_seconds_count{operation=\"CIM_AssociatedPowerManagementService.Get\",outcome=\"ok\"}"));
    assertThat(conductor.http().get("/metrics").body())
        .contains("amtpxe_sync_pass_seconds_count{outcome=\"completed\"}")
        .contains("amtpxe_workers_capacity");
  }

  /** Runs a Karaf shell command in this Karaf and returns what it printed. */
  private String shell(String command) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out =
        new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    Session session = shellSessions.create(InputStream.nullInputStream(), out, out);
    try {
      session.execute(command);
    } finally {
      session.close();
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---- configuration ----

  @Test
  public void amtConfigurationChangesApplyWithoutRestartAndABadValueKeepsThePreviousOne()
      throws Exception {
    String node = "rs-5";
    ConfigFile file = ConfigFile.etc(AMT_PID);
    LogFile log = LogFile.karaf();
    powerTo(node, "power on");
    // An open redirection session makes the AMT refuse power-off: every attempt is counted.
    amt.switches(node, Map.of("redirectionActive", true));
    try {
      assertThat(failingPowerOffRequests(node))
          .as("power-off requests, max_attempts=3")
          .isEqualTo(3);

      file.set(Map.of("max_attempts", "2"));
      awaitComponentProperty("org.amtpxe.amt.internal.AmtGateway", "max_attempts", "2");
      assertThat(failingPowerOffRequests(node))
          .as("power-off requests, max_attempts=2")
          .isEqualTo(2);
      assertThat(conductor.node(node).get("last_error").toString()).contains("after 2 requests");

      long mark = log.mark();
      file.set(Map.of("max_attempts", "many"));
      String error =
          log.await(
              mark,
              Duration.ofSeconds(30),
              "ERROR",
              "Invalid configuration org.amtpxe.amt: max_attempts=many: must be an integer in 1-20");
      assertThat(error)
          .contains("Fix etc/org.amtpxe.amt.cfg; the previous configuration stays in force.");
      assertThat(failingPowerOffRequests(node))
          .as("power-off requests after a bad value")
          .isEqualTo(2);
    } finally {
      file.set(Map.of("max_attempts", "3"));
      amt.switches(node, Map.of("redirectionActive", false));
    }
    awaitComponentProperty("org.amtpxe.amt.internal.AmtGateway", "max_attempts", "3");
    powerTo(node, "power off");
  }

  @Test
  public void pxeAndConductorConfigurationChangesMoveTheirPortsAndBadValuesKeepThem()
      throws Exception {
    ConfigFile pxe = ConfigFile.etc(PXE_PID);
    ConfigFile conductorFile = ConfigFile.etc(CONDUCTOR_PID);
    LogFile log = LogFile.karaf();
    int tftp = intProperty(TFTP_PORT);
    int http = intProperty(HTTP_PORT);
    int api = intProperty(API_PORT);
    int newTftp = FreePorts.udp();
    int newHttp = FreePorts.tcp();
    int newApi = FreePorts.tcp();
    Map<String, List<String>> components = componentConfigurations(PXE_BSN, CONDUCTOR_BSN);
    try {
      // PXE: the TFTP and HTTP boot servers move.
      pxe.set(Map.of("tftp_port", String.valueOf(newTftp), "http_port", String.valueOf(newHttp)));
      Poll.until(
          "TFTP on port " + newTftp, Duration.ofSeconds(30), () -> Listeners.tftpAnswers(newTftp));
      Poll.until(
          "HTTP on port " + newHttp, Duration.ofSeconds(30), () -> Listeners.httpAnswers(newHttp));
      Poll.until(
          "the old TFTP and HTTP ports to be free",
          Duration.ofSeconds(30),
          () -> FreePorts.udpFree(tftp) && FreePorts.tcpFree(http));

      long mark = log.mark();
      pxe.set(Map.of("tftp_port", "70000", "amt_wait", "soon"));
      // One line for the whole PID: amt_wait (read by pxe_amt) is validated with the other keys.
      log.await(
          mark,
          Duration.ofSeconds(30),
          "ERROR",
          "Invalid configuration org.amtpxe.pxe: tftp_port=70000: must be an integer in 1-65535;"
              + " amt_wait=soon: must be an integer in 0-600. Fix etc/org.amtpxe.pxe.cfg; the"
              + " previous configuration stays in force.");
      assertThat(Listeners.tftpAnswers(newTftp)).as("TFTP still on " + newTftp).isTrue();
      assertThat(Listeners.httpAnswers(newHttp)).as("HTTP still on " + newHttp).isTrue();

      // Conductor: the REST API moves.
      conductorFile.set(Map.of("api_port", String.valueOf(newApi)));
      Conductor moved = new Conductor("127.0.0.1", newApi);
      moved.awaitUp(Duration.ofSeconds(60));
      Poll.until(
          "the old API port to be free", Duration.ofSeconds(30), () -> FreePorts.tcpFree(api));
      assertThat(moved.node("rs-1")).containsEntry("name", "rs-1");

      mark = log.mark();
      conductorFile.set(Map.of("api_port", "70000"));
      log.await(
          mark,
          Duration.ofSeconds(30),
          "ERROR",
          "Invalid configuration org.amtpxe.conductor: api_port=70000: must be an integer in"
              + " 0-65535. Fix etc/org.amtpxe.conductor.cfg; the previous configuration stays in"
              + " force.");
      assertThat(moved.isUp()).as("API still on " + newApi).isTrue();
      // Reconfigured in place: the components were not recreated.
      assertThat(componentConfigurations(PXE_BSN, CONDUCTOR_BSN)).isEqualTo(components);
      // A value that is not a number at all is refused too, naming the value.
      mark = log.mark();
      conductorFile.set(Map.of("api_port", "port-six"));
      log.await(
          mark,
          Duration.ofSeconds(30),
          "ERROR",
          "Invalid configuration org.amtpxe.conductor: api_port=port-six: must be an integer in"
              + " 0-65535. Fix etc/org.amtpxe.conductor.cfg; the previous configuration stays in"
              + " force.");
      assertThat(moved.isUp()).as("API still on " + newApi).isTrue();
    } finally {
      pxe.set(
          Map.of(
              "tftp_port", String.valueOf(tftp),
              "http_port", String.valueOf(http),
              "amt_wait", String.valueOf(AMT_WAIT)));
      conductorFile.set(Map.of("api_port", String.valueOf(api)));
    }
    conductor.awaitUp(Duration.ofSeconds(60));
    Poll.until("TFTP back on " + tftp, Duration.ofSeconds(30), () -> Listeners.tftpAnswers(tftp));
  }

  /**
   * Powers the node off while the AMT refuses: the call fails after max_attempts requests.
   *
   * @return the power change requests the AMT received
   */
  private int failingPowerOffRequests(String node) {
    amt.resetCounters(node);
    conductor.power(node, "power off").ok();
    Map<String, Object> done = conductor.awaitPowerDone(node, OP_TIMEOUT);
    assertThat(done.get("last_error")).as("last_error of a refused power off").isNotNull();
    return (int)
        amt.requests(node).stream()
            .filter(r -> String.valueOf(r.get("action")).contains("RequestPowerStateChange"))
            .count();
  }

  /** The SCR configuration ids and states of the bundles' components, by component name. */
  private Map<String, List<String>> componentConfigurations(String... bsns) {
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (String bsn : bsns) {
      for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(bsn))) {
        ids.put(
            d.name,
            scr.getComponentConfigurationDTOs(d).stream()
                .map(c -> c.id + ":" + c.state)
                .sorted()
                .toList());
      }
    }
    return ids;
  }

  private void awaitComponentProperty(String component, String key, String value) {
    Poll.until(
        component + " configured with " + key + "=" + value,
        Duration.ofSeconds(30),
        () -> {
          for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(AMT_BSN))) {
            if (d.name.equals(component)) {
              return scr.getComponentConfigurationDTOs(d).stream()
                  .anyMatch(c -> value.equals(String.valueOf(c.properties.get(key))));
            }
          }
          return false;
        });
  }

  // ---- hot swap ----

  @Test
  public void hotSwapUnderLoadLosesNoOperationRestartsNothingElseAndRollsBack() throws Exception {
    Bundle amtBundle = bundle(AMT_BSN);
    String original = amtBundle.getVersion().toString();
    String swapped = System.getProperty(HOTSWAP_VERSION);
    assertThat(swapped).isNotBlank().isNotEqualTo(original);
    Path originalJar = itDir().resolve("bundle-amt.jar");
    Path swappedJar = itDir().resolve("bundle-amt-hotswap.jar");
    List<String> report = new ArrayList<>();

    // Without calls: what the swap itself takes.
    report.add(idleSwap(amtBundle, swappedJar, swapped));
    report.add(idleSwap(amtBundle, originalJar, original));

    Swap update = swapUnderLoad(amtBundle, swappedJar, original, swapped);
    report.add(update.describe("update " + original + " -> " + swapped));
    Swap rollback = swapUnderLoad(amtBundle, originalJar, swapped, original);
    report.add(rollback.describe("rollback " + swapped + " -> " + original));

    Files.write(
        itDir().resolve("hotswap-measurements.txt"),
        report,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.out.println(String.join("\n", report));
  }

  /** Replaces the bundle while no call runs; says how long until the new services serve. */
  private String idleSwap(Bundle amtBundle, Path jar, String to) throws Exception {
    conductor.awaitUnlocked("rs-6", OP_TIMEOUT);
    long start = System.nanoTime();
    try (InputStream in = Files.newInputStream(jar)) {
      amtBundle.update(in);
    }
    long updated = System.nanoTime();
    assertThat(amtServiceVersions()).containsOnly(to);
    conductor.bootDevice("rs-6", "pxe", false).ok();
    long served = System.nanoTime();
    assertThat(Json.map(conductor.node("rs-6"), "driver_internal_info"))
        .containsEntry("amt_driver_version", to);
    return String.format(
        "%s idle swap to %s: update() returned after %d ms with the new services registered;"
            + " the next call (a boot device change through the REST API) was served by them"
            + " %d ms after update()",
        Instant.now(), to, millis(updated - start), millis(served - start));
  }

  /** What one swap showed. */
  private record Swap(
      long updateMillis,
      long registeredMillis,
      long firstNewCallMillis,
      String inFlightResult,
      long inFlightEndMillis,
      int operations) {
    String describe(String what) {
      return String.format(
          "%s %s: update() returned after %d ms; new AMT services registered after %d ms; first"
              + " successful call served by the new version %d ms after update(); the power-on in"
              + " flight at update() %s, %d ms after update(); %d client operations, none failed",
          Instant.now(),
          what,
          updateMillis,
          registeredMillis,
          firstNewCallMillis,
          inFlightResult,
          inFlightEndMillis,
          operations);
    }
  }

  /**
   * Replaces the AMT bundle's content while clients run, and checks what the swap must preserve.
   */
  private Swap swapUnderLoad(Bundle amtBundle, Path jar, String from, String to) throws Exception {
    assertThat(amtBundle.getVersion().toString()).isEqualTo(from);
    String inFlightNode = "rs-5";
    String probeNode = "rs-6";
    powerTo(inFlightNode, "power off");
    Map<String, Object> before = stackSnapshot();
    List<String> otherBundleEvents = Collections.synchronizedList(new ArrayList<>());
    SynchronousBundleListener bundleListener =
        e -> {
          if (!AMT_BSN.equals(e.getBundle().getSymbolicName())) {
            otherBundleEvents.add(e.getBundle().getSymbolicName() + " " + eventName(e));
          }
        };
    AtomicLong registered = new AtomicLong();
    ServiceListener serviceListener =
        e -> {
          if (e.getType() == ServiceEvent.REGISTERED
              && to.equals(e.getServiceReference().getProperty("amt.version"))) {
            registered.compareAndSet(0, System.nanoTime());
          }
        };
    context.addBundleListener(bundleListener);
    context.addServiceListener(
        serviceListener, "(objectClass=org.amtpxe.api.driver.ManagementInterface)");
    try (ClientLoad load = ClientLoad.start(conductor, LOAD_NODES);
        VersionProbe probe = new VersionProbe(probeNode)) {
      load.awaitCycles(1, OP_TIMEOUT);
      probe.awaitVersion(from, OP_TIMEOUT);

      // A power-on in flight: its power request is answered, the AMT driver waits action_wait
      // before it reads the state again, and the bundle is replaced meanwhile.
      amt.resetCounters(inFlightNode);
      amt.switches(inFlightNode, Map.of("latencyMs", 300));
      conductor.power(inFlightNode, "power on").ok();
      Poll.until(
          inFlightNode + "'s power request to be answered",
          OP_TIMEOUT,
          () ->
              amt.requests(inFlightNode).stream()
                  .anyMatch(r -> String.valueOf(r.get("action")).contains("RequestPowerState")));
      long start = System.nanoTime();
      try (InputStream in = Files.newInputStream(jar)) {
        amtBundle.update(in);
      }
      long updated = System.nanoTime();

      Map<String, Object> inFlight = conductor.awaitPowerDone(inFlightNode, OP_TIMEOUT);
      long inFlightEnd = System.nanoTime();
      long firstNew = probe.awaitVersion(to, OP_TIMEOUT);
      load.awaitCycles(2, Duration.ofMinutes(2));
      load.close();
      amt.switches(inFlightNode, Map.of("latencyMs", 0));

      // No operation lost or failed, and the new version serves every call after the swap.
      List<ClientLoad.Op> ops = load.ops();
      assertThat(ops).filteredOn(op -> !op.ok()).as("failed client operations").isEmpty();
      assertThat(probe.failures()).as("failed probe calls").isEmpty();
      assertThat(inFlight.get("last_error")).as("last_error of the power-on in flight").isNull();
      assertThat(inFlight.get("power_state")).isEqualTo("power on");
      assertThat(registered.get()).as("new services registered").isNotZero();
      assertThat(ops)
          .filteredOn(op -> op.version() != null && op.start() > registered.get())
          .as("boot device changes after the new services were registered")
          .isNotEmpty()
          .allSatisfy(op -> assertThat(op.version()).isEqualTo(to));
      assertThat(ops)
          .filteredOn(op -> op.version() != null && op.end() < start)
          .allSatisfy(op -> assertThat(op.version()).isEqualTo(from));

      // The AMT bundle now is the other build; nothing else was restarted.
      assertThat(amtBundle.getState()).isEqualTo(Bundle.ACTIVE);
      assertThat(amtBundle.getVersion().toString()).isEqualTo(to);
      assertThat(amtServiceVersions()).containsOnly(to);
      assertThat(otherBundleEvents).as("bundle events of other bundles").isEmpty();
      Map<String, Object> after = stackSnapshot();
      assertThat(after).isEqualTo(before);
      assertSameServiceObjects(before, after);

      return new Swap(
          millis(updated - start),
          millis(registered.get() - start),
          millis(firstNew - start),
          "finished with power_state " + inFlight.get("power_state") + " and no last_error",
          millis(inFlightEnd - start),
          ops.size());
    } finally {
      context.removeBundleListener(bundleListener);
      context.removeServiceListener(serviceListener);
    }
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  /**
   * A client that changes one node's boot device again and again and notes which AMT driver version
   * recorded it, to time when the new version serves the first call.
   */
  private final class VersionProbe implements AutoCloseable {
    private final String node;
    private final List<long[]> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> versions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> loop;
    private volatile boolean stopping;

    VersionProbe(String node) {
      this.node = node;
      this.loop = CompletableFuture.runAsync(this::run);
    }

    private void run() {
      boolean pxe = true;
      while (!stopping) {
        try {
          Http.Reply reply = conductor.bootDevice(node, pxe ? "pxe" : "disk", false);
          long done = System.nanoTime();
          if (reply.status() != 204) {
            failures.add(reply.toString());
            Thread.sleep(100);
            continue;
          }
          Object version =
              Json.map(conductor.node(node), "driver_internal_info").get("amt_driver_version");
          synchronized (seen) {
            seen.add(new long[] {done});
            versions.add(String.valueOf(version));
          }
          pxe = !pxe;
        } catch (RuntimeException e) {
          failures.add(e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /** Waits for a call served by the version, and returns when it finished. */
    long awaitVersion(String version, Duration timeout) {
      return Poll.until(
          "a boot device change on " + node + " served by AMT driver " + version,
          timeout,
          () -> {
            synchronized (seen) {
              int i = versions.indexOf(version);
              return i < 0 ? 0L : seen.get(i)[0];
            }
          },
          t -> t != 0L);
    }

    List<String> failures() {
      return failures;
    }

    @Override
    public void close() {
      stopping = true;
      loop.join();
    }
  }

  /**
   * What must not change when the AMT bundle is replaced: the PXE and conductor bundles (id, state,
   * last modified), their components' configurations (SCR ids and states), and their services (ids
   * and the objects behind them).
   */
  private Map<String, Object> stackSnapshot() throws Exception {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    for (String bsn : List.of(PXE_BSN, CONDUCTOR_BSN)) {
      Bundle b = bundle(bsn);
      snapshot.put(bsn + " bundle", List.of(b.getBundleId(), b.getState(), b.getLastModified()));
      componentConfigurations(bsn)
          .forEach((name, ids) -> snapshot.put(name + " configurations", ids));
      ServiceReference<?>[] registered = b.getRegisteredServices();
      for (ServiceReference<?> ref : registered == null ? new ServiceReference<?>[0] : registered) {
        String key =
            "service "
                + Arrays.toString((String[]) ref.getProperty("objectClass"))
                + " "
                + ref.getProperty("service.id");
        snapshot.put(key, new ServiceObject(context, ref));
      }
    }
    return snapshot;
  }

  /** A service object, equal to another when it is the same object. */
  private static final class ServiceObject {
    private final Object service;

    ServiceObject(BundleContext context, ServiceReference<?> ref) {
      // NOTE: not released: the test's use keeps a delayed component from being disposed between
      // two snapshots, which would change its identity for a reason other than the swap.
      this.service = context.getService(ref);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ServiceObject other && other.service == service;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(service);
    }

    @Override
    public String toString() {
      return service == null
          ? "null"
          : service.getClass().getName() + "@" + Integer.toHexString(hashCode());
    }
  }

  private static void assertSameServiceObjects(
      Map<String, Object> before, Map<String, Object> after) {
    assertThat(before.keySet().stream().filter(k -> k.contains("BareMetalDriver")))
        .as("the pxe_amt driver service is among the compared ones")
        .isNotEmpty();
    before.forEach(
        (k, v) -> {
          if (v instanceof ServiceObject) {
            assertThat(after.get(k)).as(k).isEqualTo(v);
          }
        });
  }

  private List<Object> amtServiceVersions() throws Exception {
    List<Object> versions = new ArrayList<>();
    for (String type :
        List.of(
            "org.amtpxe.api.driver.PowerInterface",
            "org.amtpxe.api.driver.ManagementInterface",
            "org.amtpxe.api.driver.InspectInterface",
            "org.amtpxe.api.driver.ConsoleInterface",
            "org.amtpxe.api.driver.BootHistoryInterface")) {
      ServiceReference<?>[] refs = context.getServiceReferences(type, "(driver=amt)");
      for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
        versions.add(ref.getProperty("amt.version"));
      }
    }
    assertThat(versions).as("AMT power, management, inspect, console and boot history").hasSize(5);
    return versions;
  }

  private static String eventName(BundleEvent e) {
    return switch (e.getType()) {
      case BundleEvent.INSTALLED -> "INSTALLED";
      case BundleEvent.RESOLVED -> "RESOLVED";
      case BundleEvent.STARTING -> "STARTING";
      case BundleEvent.STARTED -> "STARTED";
      case BundleEvent.STOPPING -> "STOPPING";
      case BundleEvent.STOPPED -> "STOPPED";
      case BundleEvent.UPDATED -> "UPDATED";
      case BundleEvent.UNRESOLVED -> "UNRESOLVED";
      case BundleEvent.UNINSTALLED -> "UNINSTALLED";
      default -> "event " + e.getType();
    };
  }

  // ---- removal ----

  @Test
  public void removingTheAmtBundleMakesPxeAmtNodesUnavailableUntilItIsBack() throws Exception {
    Bundle amtBundle = bundle(AMT_BSN);
    String location = amtBundle.getLocation();
    // Something recorded by the driver, to find again afterwards.
    conductor.bootDevice("rs-3", "pxe", true).ok();
    for (String node : List.of("rs-1", "rs-2", "rs-4")) {
      powerTo(node, "power off");
    }
    List<Map<String, Object>> nodesBefore = conductor.nodes();
    List<Map<String, Object>> portsBefore = conductor.ports();

    // A power-on accepted just before the bundle stops: its first AMT call finishes (drain), the
    // next one finds no AMT driver and, after amt_wait, fails into last_error.
    amt.switches("rs-4", Map.of("latencyMs", 1000));
    conductor.power("rs-4", "power on").ok();
    amtBundle.stop();
    Map<String, Object> failed = conductor.awaitPowerDone("rs-4", OP_TIMEOUT);
    amt.switches("rs-4", Map.of("latencyMs", 0));
    assertThat(failed.get("last_error").toString()).contains(UNAVAILABLE);
    assertThat(failed.get("power_state")).isEqualTo("power off");

    assertUnavailable("rs-1");
    // The power sync leaves the nodes alone: a change made outside is not picked up.
    amt.host("rs-2", "power-button");
    Poll.until("rs-2 to be on", OP_TIMEOUT, () -> "on".equals(amt.powerState("rs-2")));
    Thread.sleep(3000); // three sync intervals
    assertThat(conductor.node("rs-2"))
        .containsEntry("power_state", "power off")
        .containsEntry("last_error", null);

    amtBundle.start();

    // Everything works again, and nothing was lost.
    powerTo("rs-1", "power on");
    Poll.until(
        "the power sync to see rs-2 on",
        OP_TIMEOUT,
        () -> "power on".equals(conductor.node("rs-2").get("power_state")));
    assertThat(Json.map(conductor.node("rs-3"), "driver_internal_info"))
        .containsEntry("amt_boot_device", "pxe")
        .containsEntry("amt_boot_persistent", true);
    assertThat(conductor.nodes())
        .extracting(n -> n.get("uuid"))
        .containsExactlyInAnyOrderElementsOf(nodesBefore.stream().map(n -> n.get("uuid")).toList());
    assertThat(conductor.ports()).hasSameSizeAs(portsBefore);

    // Uninstalled rather than stopped: the same, and it can be installed again.
    amtBundle.uninstall();
    Http.Reply refused = conductor.power("rs-1", "power off");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(Conductor.errorMessage(refused)).contains(UNAVAILABLE);
    Bundle reinstalled = context.installBundle(location);
    reinstalled.start();
    powerTo("rs-1", "power off");
    powerTo("rs-2", "power off");
    conductor.bootDevice("rs-3", "disk", false).ok();
  }

  private void assertUnavailable(String node) {
    Http.Reply validate = conductor.validate(node);
    assertThat(validate.status()).as("validate: " + validate).isEqualTo(400);
    assertThat(Conductor.errorMessage(validate))
        .contains("driver pxe_amt is loaded but unavailable")
        .contains(UNAVAILABLE);
    Http.Reply power = conductor.power(node, "power on");
    assertThat(power.status()).as("power on: " + power).isEqualTo(400);
    assertThat(Conductor.errorMessage(power)).contains(UNAVAILABLE);
    Http.Reply boot = conductor.bootDevice(node, "pxe", false);
    assertThat(boot.status()).as("boot device: " + boot).isEqualTo(400);
    assertThat(conductor.node(node).get("last_error")).isNull();
  }

  // ---- helpers ----

  /** Changes a node's power through the API and waits until it succeeded. */
  private void powerTo(String node, String target) {
    conductor.awaitUnlocked(node, OP_TIMEOUT);
    conductor.power(node, target).ok();
    Map<String, Object> done = conductor.awaitPowerDone(node, OP_TIMEOUT);
    assertThat(done.get("last_error")).as(node + " " + target).isNull();
    assertThat(done.get("power_state")).isEqualTo(target);
  }

  private Bundle bundle(String bsn) {
    return Arrays.stream(context.getBundles())
        .filter(b -> bsn.equals(b.getSymbolicName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("bundle " + bsn + " is not installed"));
  }
}
