package org.amtpxe.conductor.internal.enroll;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.service.Identifiers;
import org.amtpxe.conductor.internal.service.NodeService;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk enrollment: probes a list of addresses by inspecting each out of band, and enrolls what
 * answers as a node, inspected, in {@code manageable}, named after the host name the hardware
 * reports.
 *
 * <p>One probe is one inspection plus one power state read. Its outcome decides the address's fate:
 *
 * <ul>
 *   <li>answered: the node is created in {@code manageable} with its power state (what Ironic's
 *       {@code manage} verifies), and the inspection is applied to it (properties, ports);
 *   <li>refused the credentials: reported, <b>never tried again</b> (AMT locks an account after
 *       repeated failures);
 *   <li>did not answer: reported as unreachable;
 *   <li>already the address of a node: skipped without being contacted.
 * </ul>
 *
 * Probes run on a pool of their own, at most {@code parallelism} at a time, so a large enrollment
 * neither starves the conductor's workers nor floods the provisioning network.
 */
public final class EnrollService {
  private static final Logger LOG = LoggerFactory.getLogger(EnrollService.class);

  /** The most addresses one enrollment probes. */
  public static final int MAX_ADDRESSES = 4096;

  /** The most probes in flight, whatever the caller asks for. */
  public static final int MAX_PARALLELISM = 128;

  /** Probes in flight unless the caller says otherwise. */
  public static final int DEFAULT_PARALLELISM = 32;

  /** The driver_info key that carries the address of an AMT. */
  public static final String AMT_ADDRESS_KEY = "amt_address";

  /** Applies an inspection already read to a node in {@code manageable}. */
  @FunctionalInterface
  public interface Inspections {
    Node apply(String nodeUuid, Inspection inspection) throws ConductorException;
  }

  /** Called after each address, from the probing threads, one call at a time. */
  @FunctionalInterface
  public interface Progress {
    void update(int done, int total, Map<Outcome, Integer> counts);
  }

  /** What became of one address. */
  public enum Outcome {
    ENROLLED("enrolled"),
    ALREADY_ENROLLED("already enrolled"),
    WRONG_CREDENTIALS("wrong credentials"),
    UNREACHABLE("unreachable"),
    FAILED("failed");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The words used in reports, for example {@code already enrolled}. */
    public String label() {
      return label;
    }

    /** The key used in JSON reports, for example {@code already_enrolled}. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One address to probe.
   *
   * @param address the address, written into driver_info under the address key
   * @param driverInfo what this address needs beyond the common driver_info (its own credentials),
   *     may be empty
   */
  public record Target(String address, Map<String, Object> driverInfo) {
    public Target {
      driverInfo = Map.copyOf(driverInfo);
    }
  }

  /**
   * An enrollment.
   *
   * @param driver the driver of the new nodes; it must inspect
   * @param driverInfo driver_info shared by every node (credentials, protocol, deploy images)
   * @param targets the addresses, without duplicates
   * @param parallelism probes in flight, 1 to {@value #MAX_PARALLELISM}
   * @param resourceClass the new nodes' resource class, or null
   */
  public record Request(
      String driver,
      Map<String, Object> driverInfo,
      List<Target> targets,
      int parallelism,
      String resourceClass) {
    public Request {
      driverInfo = Collections.unmodifiableMap(new LinkedHashMap<>(driverInfo));
      targets = List.copyOf(targets);
    }
  }

  /**
   * What became of one address.
   *
   * @param address the address
   * @param outcome the outcome
   * @param node the node's UUID: the new node, or the one that already has the address; else null
   * @param name the node's name, or null
   * @param ports the MACs of the ports the inspection created
   * @param message why, for anything but a clean enrollment; null otherwise
   */
  public record Result(
      String address,
      Outcome outcome,
      String node,
      String name,
      List<String> ports,
      String message) {}

  /**
   * The report of an enrollment, results in the order of the targets.
   *
   * @param results one per target
   * @param millis wall time
   */
  public record Report(List<Result> results, long millis) {
    /** How many addresses had each outcome; every outcome is present. */
    public Map<Outcome, Integer> counts() {
      Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        counts.put(o, 0);
      }
      results.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
      return counts;
    }
  }

  private final NodeService nodes;
  private final DriverRegistry drivers;
  private final TaskManager tasks;
  private final Inspections inspections;

  public EnrollService(
      NodeService nodes, DriverRegistry drivers, TaskManager tasks, Inspections inspections) {
    this.nodes = nodes;
    this.drivers = drivers;
    this.tasks = tasks;
    this.inspections = inspections;
  }

  /**
   * Probes every target and enrolls what answers. Returns when every address has its outcome.
   *
   * @throws ConductorException INVALID when the driver is not loaded, cannot inspect, or the common
   *     driver_info is incomplete (checked offline, before any address is contacted)
   */
  public Report enroll(Request request, Progress progress) throws ConductorException {
    long start = System.nanoTime();
    if (request.targets().isEmpty()) {
      throw ConductorException.invalid("Nothing to enroll: name at least one address.");
    }
    if (request.targets().size() > MAX_ADDRESSES) {
      throw ConductorException.invalid(
          "Too many addresses: "
              + request.targets().size()
              + "; one enrollment probes at most "
              + MAX_ADDRESSES
              + ". Split it into several enrollments.");
    }
    if (request.parallelism() < 1 || request.parallelism() > MAX_PARALLELISM) {
      throw ConductorException.invalid(
          "parallelism must be between 1 and "
              + MAX_PARALLELISM
              + ", not "
              + request.parallelism());
    }
    BareMetalDriver driver =
        drivers
            .find(request.driver())
            .orElseThrow(
                () ->
                    ConductorException.invalid(
                        "Cannot enroll: driver "
                            + request.driver()
                            + " is not loaded; install the feature that provides it. Loaded"
                            + " drivers: "
                            + drivers.all().keySet()
                            + "."));
    InspectInterface inspect =
        driver
            .inspect()
            .orElseThrow(
                () ->
                    ConductorException.invalid(
                        "Driver "
                            + request.driver()
                            + " does not support inspection (disabled or not implemented), so it"
                            + " cannot probe addresses to enroll them."));
    String addressKey = addressKey(driver);
    // Offline checks on the first target: a missing password is one clear error, not a report of
    // thousands of identical failures.
    Node first = candidate(request, request.targets().get(0), addressKey);
    try (var task = tasks.snapshot(first, List.of(), driver)) {
      driver.power().validate(task);
      inspect.validate(task);
    } catch (DriverException e) {
      throw ConductorException.invalid("Cannot enroll: " + TaskManager.messageOf(e));
    }

    Map<String, Node> byAddress = enrolledAddresses(addressKey);
    int total = request.targets().size();
    List<Result> results = new ArrayList<>(Collections.nCopies(total, null));
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0);
    }
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(request.parallelism(), total), threads("amtpxe-enroll-"));
    try {
      List<Future<?>> futures = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  Result r =
                      probe(
                          request,
                          request.targets().get(index),
                          addressKey,
                          driver,
                          inspect,
                          byAddress);
                  synchronized (counts) {
                    results.set(index, r);
                    counts.merge(r.outcome(), 1, Integer::sum);
                    progress.update(done.incrementAndGet(), total, Map.copyOf(counts));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConductorException.invalid("The enrollment was interrupted.");
    } catch (ExecutionException e) {
      throw new IllegalStateException("An enrollment probe failed unexpectedly", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Report report = new Report(List.copyOf(results), (System.nanoTime() - start) / 1_000_000);
    LOG.info(
        "Bulk enrollment with driver {}: {} addresses in {} ms: {}",
        request.driver(),
        total,
        report.millis(),
        report.counts());
    return report;
  }

  private Result probe(
      Request request,
      Target target,
      String addressKey,
      BareMetalDriver driver,
      InspectInterface inspect,
      Map<String, Node> byAddress) {
    String address = target.address();
    Node known;
    synchronized (byAddress) {
      known = byAddress.get(address);
    }
    if (known != null) {
      return new Result(
          address,
          Outcome.ALREADY_ENROLLED,
          known.uuid(),
          known.name(),
          List.of(),
          "node " + known.displayName() + " already has this address; it was not contacted");
    }
    Node candidate = candidate(request, target, addressKey);
    Inspection inspection;
    PowerState power;
    try (var task = tasks.snapshot(candidate, List.of(), driver)) {
      driver.power().validate(task);
      inspect.validate(task);
      inspection = inspect.inspectHardware(task);
      power = driver.power().getPowerState(task);
    } catch (AuthenticationFailedException e) {
      return failure(
          address,
          Outcome.WRONG_CREDENTIALS,
          "the hardware refused the user name or password; it was tried once and will not be"
              + " tried again (AMT locks an account after repeated failures). Correct the"
              + " credentials and enroll this address again.");
    } catch (ConnectionFailedException | DeviceTimeoutException e) {
      return failure(address, Outcome.UNREACHABLE, TaskManager.messageOf(e));
    } catch (DriverException | RuntimeException e) {
      return failure(address, Outcome.FAILED, TaskManager.messageOf(e));
    }
    return create(address, addressKey, candidate, inspection, power, byAddress);
  }

  private Result create(
      String address,
      String addressKey,
      Node candidate,
      Inspection inspection,
      PowerState power,
      Map<String, Node> byAddress) {
    // The host name without its domain, as operators call their desktops (AMT's HostName).
    String hostName =
        inspection.inventory().get("hostname") instanceof String h && !h.isBlank()
            ? h.strip().split("\\.", 2)[0]
            : null;
    String name = hostName != null && Identifiers.isValidName(hostName) ? hostName : null;
    List<String> notes = new ArrayList<>();
    if (hostName != null && name == null) {
      notes.add("host name \"" + AddressList.shorten(hostName) + "\" is not a valid node name");
    }
    synchronized (byAddress) {
      // Two entries of one enrollment can resolve to one machine only through host names; the
      // address itself is checked again here so that no address is enrolled twice.
      if (byAddress.containsKey(address)) {
        Node other = byAddress.get(address);
        return new Result(
            address,
            Outcome.ALREADY_ENROLLED,
            other.uuid(),
            other.name(),
            List.of(),
            "node " + other.displayName() + " already has this address");
      }
      NodeService.AddressClaim claim;
      try {
        claim =
            nodes.createNodeAt(
                candidate.toBuilder().name(name).powerState(power).build(),
                address.trim().toLowerCase(Locale.ROOT),
                addressKey);
      } catch (ConductorException e) {
        if (name == null || e.kind() != ConductorException.Kind.CONFLICT) {
          return failure(address, Outcome.FAILED, e.getMessage());
        }
        notes.add("name " + name + " is taken by another node, so this node has no name");
        try {
          claim =
              nodes.createNodeAt(
                  candidate.toBuilder().name(null).powerState(power).build(),
                  address.trim().toLowerCase(Locale.ROOT),
                  addressKey);
        } catch (ConductorException again) {
          return failure(address, Outcome.FAILED, again.getMessage());
        }
      }
      Node stored = claim.node();
      if (!claim.created()) {
        // Another enrollment, here or on another conductor, created it since this one started.
        byAddress.put(address, stored);
        return new Result(
            address,
            Outcome.ALREADY_ENROLLED,
            stored.uuid(),
            stored.name(),
            List.of(),
            "node " + stored.displayName() + " already has this address");
      }
      byAddress.put(address, stored);
      candidate = stored;
    }
    try {
      Node inspected = inspections.apply(candidate.uuid(), inspection);
      List<String> ports =
          nodes.portsOf(inspected).stream().map(p -> p.address().toString()).toList();
      if (!inspection.missing().isEmpty()) {
        notes.add("not read: " + String.join("; ", inspection.missing()));
      }
      return new Result(
          address,
          Outcome.ENROLLED,
          inspected.uuid(),
          inspected.name(),
          ports,
          notes.isEmpty() ? null : String.join("; ", notes));
    } catch (ConductorException | RuntimeException e) {
      return new Result(
          address,
          Outcome.FAILED,
          candidate.uuid(),
          candidate.name(),
          List.of(),
          "enrolled as node "
              + candidate.displayName()
              + " but its inspection could not be stored: "
              + TaskManager.messageOf(e)
              + "; run baremetal node inspect "
              + candidate.uuid());
    }
  }

  private static Result failure(String address, Outcome outcome, String message) {
    return new Result(address, outcome, null, null, List.of(), message);
  }

  private static Node candidate(Request request, Target target, String addressKey) {
    Map<String, Object> info = new LinkedHashMap<>(request.driverInfo());
    info.putAll(target.driverInfo());
    info.put(addressKey, target.address());
    return Node.builder(UUID.randomUUID().toString(), request.driver())
        .provisionState(ProvisionState.MANAGEABLE)
        .resourceClass(request.resourceClass())
        .driverInfo(info)
        .build();
  }

  /**
   * The driver_info key of the address: {@value #AMT_ADDRESS_KEY} when the driver takes it, else
   * the driver's only required parameter named {@code *_address}.
   */
  static String addressKey(BareMetalDriver driver) throws ConductorException {
    Map<String, String> parameters = driver.properties();
    if (parameters.containsKey(AMT_ADDRESS_KEY)) {
      return AMT_ADDRESS_KEY;
    }
    List<String> candidates =
        parameters.entrySet().stream()
            .filter(e -> e.getKey().endsWith("_address") && e.getValue().endsWith("Required."))
            .map(Map.Entry::getKey)
            .toList();
    if (candidates.size() != 1) {
      throw ConductorException.invalid(
          "Driver "
              + driver.name()
              + " has no single required *_address parameter, so bulk enrollment does not know"
              + " where the address goes; enroll its nodes one by one.");
    }
    return candidates.get(0);
  }

  /** Every node's address, lower case, read in one query. */
  private Map<String, Node> enrolledAddresses(String addressKey) {
    Map<String, Node> byAddress = new HashMap<>();
    for (Node n : nodes.nodes(NodeQuery.all())) {
      String a = NodeService.normalized(n, addressKey);
      if (a != null) {
        byAddress.putIfAbsent(a, n);
      }
    }
    return byAddress;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
