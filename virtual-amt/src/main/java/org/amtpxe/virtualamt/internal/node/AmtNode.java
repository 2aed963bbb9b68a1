package org.amtpxe.virtualamt.internal.node;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.BootError;
import org.amtpxe.virtualamt.BootRecord;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.MachineBackend;
import org.amtpxe.virtualamt.MachineHost;
import org.amtpxe.virtualamt.NodeCounters;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.RedirectionState;
import org.amtpxe.virtualamt.RequestRecord;
import org.amtpxe.virtualamt.SolFault;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.VirtualAmtNode;
import org.amtpxe.virtualamt.internal.cim.CimDispatcher;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.BootControl;
import org.amtpxe.virtualamt.internal.firmware.BootSource;
import org.amtpxe.virtualamt.internal.firmware.EventLog;
import org.amtpxe.virtualamt.internal.firmware.PlatformEvent;
import org.amtpxe.virtualamt.internal.firmware.PlatformEvents;
import org.amtpxe.virtualamt.internal.firmware.PowerPolicy;
import org.amtpxe.virtualamt.internal.wsman.EnumerationContexts;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual AMT: the firmware state (boot override, power policy, switches), its host machine,
 * its authenticator, sleep model, request gate, fault plan, counters and logs.
 */
public final class AmtNode implements VirtualAmtNode, MachineHost, AmtFirmware {
  private static final Logger LOG = LoggerFactory.getLogger(AmtNode.class);
  private static final int BOOT_HISTORY_CAPACITY = 10_000;

  private final NodeSpec spec;
  private final MachineBackend machine;
  private final ScheduledExecutorService scheduler;
  private final CimDispatcher dispatcher;
  private final DigestAuth digest;
  private final ManagementEngine engine;
  private final RequestGate gate;
  private final FaultPlan faults;
  private final NodeStats stats = new NodeStats();
  private final EnumerationContexts enumerations = new EnumerationContexts();
  private final BootControl boot = new BootControl();
  private final Deque<BootRecord> boots = new ArrayDeque<>();
  private final EventLog eventLog = new EventLog();
  private final AtomicLong messageIds = new AtomicLong();
  private final Object loginLock = new Object();
  private volatile Switches switches;
  private volatile Hardware hardware;
  private volatile int port;
  private volatile int tlsPort = NodeSpec.NO_TLS;
  private volatile int redirectionPort = NodeSpec.NO_REDIRECTION;
  private volatile RedirectionState redirection = RedirectionState.OFF;
  private final AtomicReference<Consumer<byte[]>> solSession = new AtomicReference<>();
  private final AtomicReference<SolFault> solFault = new AtomicReference<>();
  private int failedLogins;
  private long lockedUntil;

  /**
   * Creates a node and attaches its machine.
   *
   * @param spec the configuration
   * @param machine the host
   * @param scheduler the emulator's scheduler
   * @param dispatcher the WS-Man dispatcher (shared)
   */
  public AmtNode(
      NodeSpec spec,
      MachineBackend machine,
      ScheduledExecutorService scheduler,
      CimDispatcher dispatcher) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.machine = Objects.requireNonNull(machine, "machine");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.switches = spec.switches();
    this.port = spec.port();
    this.gate = new RequestGate(scheduler);
    this.digest =
        new DigestAuth(
            spec.username(),
            spec.password(),
            spec.realm(),
            spec.qop(),
            System::nanoTime,
            new SecureRandom());
    this.faults = new FaultPlan(spec.name().hashCode());
    this.engine = new ManagementEngine(machine.powerState().isOffLike(), System.nanoTime());
    machine.attach(this);
    this.hardware = Objects.requireNonNull(machine.hardware(spec.hardware()), "hardware");
  }

  // ---- VirtualAmtNode ----

  @Override
  public NodeSpec spec() {
    return spec;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Optional<Integer> tlsPort() {
    return tlsPort == NodeSpec.NO_TLS ? Optional.empty() : Optional.of(tlsPort);
  }

  @Override
  public URI wsmanUri() {
    return URI.create("http://" + hostForUri() + ":" + port + "/wsman");
  }

  @Override
  public Optional<URI> wsmanTlsUri() {
    return tlsPort().map(p -> URI.create("https://" + hostForUri() + ":" + p + "/wsman"));
  }

  private String hostForUri() {
    String address = spec.address();
    return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
  }

  @Override
  public HostPowerState powerState() {
    return machine.powerState();
  }

  @Override
  public MachineBackend machine() {
    return machine;
  }

  @Override
  public List<BootRecord> bootHistory() {
    synchronized (boots) {
      return List.copyOf(boots);
    }
  }

  @Override
  public List<RequestRecord> requestLog() {
    return stats.requestLog();
  }

  @Override
  public NodeCounters counters() {
    return stats.counters(engine.wakeUps());
  }

  @Override
  public void resetCounters() {
    stats.reset(engine.wakeUps());
  }

  @Override
  public EngineState engineState() {
    return switch (engine.state(System.nanoTime(), switches)) {
      case ASLEEP -> EngineState.ASLEEP;
      case WAKING -> EngineState.WAKING;
      default -> EngineState.AWAKE;
    };
  }

  @Override
  public BootOverride bootOverride() {
    return new BootOverride(
        boot.source().map(BootSource::device),
        boot.role() == BootControl.ROLE_IS_NEXT_SINGLE_USE,
        boot.settings().biosSetup());
  }

  @Override
  public Switches switches() {
    return switches;
  }

  @Override
  public void setSwitches(Switches newSwitches) {
    this.switches = Objects.requireNonNull(newSwitches, "switches");
    LOG.debug("Node {}: switches now {}", spec.name(), newSwitches);
  }

  @Override
  public Hardware hardware() {
    return hardware;
  }

  @Override
  public void setHardware(Hardware newHardware) {
    this.hardware = Objects.requireNonNull(newHardware, "hardware");
    LOG.debug("Node {}: hardware now {}", spec.name(), newHardware);
  }

  @Override
  public void injectFaults(Switches.Fault fault, int count) {
    faults.inject(Objects.requireNonNull(fault, "fault"), count);
  }

  @Override
  public void clearInjectedFaults() {
    faults.clear();
  }

  @Override
  public Optional<Integer> redirectionPort() {
    return redirectionPort == NodeSpec.NO_REDIRECTION
        ? Optional.empty()
        : Optional.of(redirectionPort);
  }

  @Override
  public RedirectionState redirection() {
    return redirection;
  }

  @Override
  public void setRedirection(RedirectionState state) {
    this.redirection = Objects.requireNonNull(state, "state");
    LOG.debug("Node {}: redirection now {}", spec.name(), state);
  }

  @Override
  public boolean solSessionOpen() {
    return solSession.get() != null;
  }

  @Override
  public void serialWrite(byte[] data) {
    serialOutput(data);
  }

  @Override
  public void injectSolFault(SolFault fault) {
    solFault.set(Objects.requireNonNull(fault, "fault"));
  }

  /** Takes the injected SOL fault, if any: it hits one session. */
  public SolFault takeSolFault() {
    return solFault.getAndSet(null);
  }

  /** Records the redirection port bound. */
  public void redirectionBound(int port) {
    this.redirectionPort = port;
  }

  /**
   * Attaches a SOL session: the host's serial output goes to it.
   *
   * @return false when another session is open (firmware allows one)
   */
  public boolean attachSol(Consumer<byte[]> session) {
    return solSession.compareAndSet(null, session);
  }

  /** Detaches a SOL session, if it is the one attached. */
  public void detachSol(Consumer<byte[]> session) {
    solSession.compareAndSet(session, null);
  }

  /** Keys typed through SOL reach the machine's serial port. */
  public void solInput(byte[] data) {
    machine.serialInput(data, this);
  }

  // ---- MachineHost ----

  @Override
  public void serialOutput(byte[] data) {
    Consumer<byte[]> session = solSession.get();
    if (session != null && data.length > 0) {
      session.accept(data);
    }
  }

  @Override
  public BootDevice bootStarting(BootCause cause) {
    BootControl.Decision decision =
        boot.boot(spec.defaultBootDevice(), switches.keepBootSourceAfterBoot());
    Instant now = Instant.now();
    BootRecord record = new BootRecord(now, decision.device(), cause, decision.overrideUsed());
    for (PlatformEvent e : PlatformEvents.boot(now.getEpochSecond(), cause, decision.device())) {
      eventLog.add(e);
    }
    synchronized (boots) {
      boots.addLast(record);
      while (boots.size() > BOOT_HISTORY_CAPACITY) {
        boots.removeFirst();
      }
    }
    LOG.debug(
        "Node {} boots from {} ({}, override {})",
        spec.name(),
        decision.device().id(),
        cause,
        decision.overrideUsed());
    return decision.device();
  }

  @Override
  public void bootNote(String note) {
    synchronized (boots) {
      BootRecord last = boots.pollLast();
      if (last == null) {
        return;
      }
      boots.addLast(last.withNote(note));
    }
    LOG.info("Node {}: {}", spec.name(), note);
    // NOTE: the simulated firmware narrates its boot on the serial port too, which is what a SOL
    // console shows in the demo.
    if (!machine.hasSerialPort()) {
      serialOutput((note + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void bootFailed(BootError error) {
    for (PlatformEvent e : PlatformEvents.bootFailed(Instant.now().getEpochSecond(), error)) {
      eventLog.add(e);
    }
    LOG.debug("Node {}: boot failed ({})", spec.name(), error);
  }

  @Override
  public void powerStateChanged(HostPowerState state) {
    eventLog.add(PlatformEvents.power(Instant.now().getEpochSecond(), state));
    engine.hostPowerChanged(state.isOffLike(), System.nanoTime());
    LOG.debug("Node {} host is now {}", spec.name(), state);
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  // ---- AmtFirmware ----

  @Override
  public boolean osAgent() {
    return switches.osAgent();
  }

  @Override
  public int requestPowerStateChange(int requested) {
    Switches s = switches;
    HostPowerState current = machine.powerState();
    if (!PowerPolicy.available(current, s.osAgent()).contains(requested)) {
      return 2;
    }
    // NOTE: firmware refuses power-off and power-cycle while a redirection session (SOL, IDE-R,
    // KVM) is open (docs/amt-wsman.md#redirection); it answers the generic error 2.
    if (s.redirectionActive()
        && (requested == PowerPolicy.OFF_SOFT
            || requested == PowerPolicy.POWER_CYCLE
            || requested == PowerPolicy.OFF_SOFT_GRACEFUL)) {
      return 2;
    }
    switch (requested) {
      case PowerPolicy.ON:
        machine.powerOn();
        break;
      case PowerPolicy.OFF_SOFT:
        machine.powerOff();
        break;
      case PowerPolicy.MASTER_BUS_RESET:
        machine.reset();
        break;
      case PowerPolicy.POWER_CYCLE:
        machine.powerCycle();
        break;
      case PowerPolicy.DIAGNOSTIC_INTERRUPT:
        machine.diagnosticInterrupt();
        break;
      case PowerPolicy.OFF_SOFT_GRACEFUL:
        machine.gracefulShutdown();
        break;
      case PowerPolicy.MASTER_BUS_RESET_GRACEFUL:
        machine.gracefulReset();
        break;
      case PowerPolicy.SLEEP_DEEP:
        machine.suspend(HostPowerState.SLEEP_DEEP);
        break;
      case PowerPolicy.HIBERNATE:
        machine.suspend(HostPowerState.HIBERNATE);
        break;
      default:
        return 2;
    }
    LOG.debug("Node {}: power state {} requested (host was {})", spec.name(), requested, current);
    return 0;
  }

  @Override
  public BootControl boot() {
    return boot;
  }

  @Override
  public EventLog eventLog() {
    return eventLog;
  }

  // ---- used by the HTTP layer ----

  /** Records the ports actually bound. */
  public void bound(int httpPort, int httpsPort) {
    this.port = httpPort;
    this.tlsPort = httpsPort;
  }

  public DigestAuth digest() {
    return digest;
  }

  public ManagementEngine engine() {
    return engine;
  }

  public RequestGate gate() {
    return gate;
  }

  public FaultPlan faults() {
    return faults;
  }

  public NodeStats stats() {
    return stats;
  }

  public EnumerationContexts enumerations() {
    return enumerations;
  }

  /** The {@code Server} header firmware sends. */
  public String serverHeader() {
    return "Intel(R) Active Management Technology " + spec.firmwareVersion();
  }

  /** Serves an authenticated WS-Man request body. */
  public CimDispatcher.Result serve(byte[] body) {
    return dispatcher.handle(body, this, enumerations, this::nextMessageId);
  }

  /** Builds a fault reply for a request that is not served (busy, injected error). */
  public CimDispatcher.Result refuse(byte[] body, WsmanFault fault) {
    return dispatcher.fault(body, fault, this::nextMessageId);
  }

  /** The next reply MessageID: {@code uuid:00000000-8086-8086-8086-<12 hex digits>}. */
  public String nextMessageId() {
    return String.format("uuid:00000000-8086-8086-8086-%012X", messageIds.incrementAndGet());
  }

  /** True while repeated wrong passwords keep the account locked. */
  public boolean lockedOut(long now) {
    synchronized (loginLock) {
      return lockedUntil != 0 && now - lockedUntil < 0;
    }
  }

  /** Counts a wrong password; locks the account when the threshold is reached. */
  public void loginFailed(long now) {
    Switches s = switches;
    synchronized (loginLock) {
      failedLogins++;
      if (s.lockoutThreshold() > 0 && failedLogins >= s.lockoutThreshold()) {
        lockedUntil = now + s.lockoutDuration().toNanos();
        if (lockedUntil == 0) {
          lockedUntil = 1;
        }
        failedLogins = 0;
        LOG.info(
            "Node {}: account {} locked for {} after repeated wrong passwords",
            spec.name(),
            spec.username(),
            s.lockoutDuration());
      }
    }
  }

  /** A correct login resets the count of wrong passwords. */
  public void loginSucceeded() {
    synchronized (loginLock) {
      failedLogins = 0;
    }
  }

  /** The body of the HTML page firmware sends with a 401. */
  public static byte[] unauthorizedPage() {
    return UNAUTHORIZED_PAGE;
  }

  private static final byte[] UNAUTHORIZED_PAGE =
      ("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" >\n"
              + "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
              + "<title>Intel&reg; Active Management Technology</title></head>\n"
              + "<body><h2>Log on failed. Incorrect user name or password, or user account"
              + " temporarily locked.</h2><p>Try again.</p></body></html>\n")
          .getBytes(StandardCharsets.UTF_8);

  @Override
  public String toString() {
    return "AmtNode[" + spec.name() + " " + wsmanUri() + "]";
  }
}
