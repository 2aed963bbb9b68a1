package org.amtpxe.conductor.internal.enroll;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.conductor.internal.testing.FakeDriver;

/**
 * The fake driver with an inspect interface that answers per {@code fake_address}: machines that
 * exist (with a password), and everything else unreachable. Counts the probes of each address.
 */
final class InspectingDriver implements BareMetalDriver {
  private final FakeDriver fake = new FakeDriver("inspecting");
  private final Map<String, Machine> machines = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();

  record Machine(String password, String hostName, String mac, List<String> missing) {}

  void machine(String address, String password, String hostName, String mac) {
    machines.put(address, new Machine(password, hostName, mac, List.of()));
  }

  void machine(Machine machine, String address) {
    machines.put(address, machine);
  }

  /** Makes every probe take this long, so that enrollments started together overlap. */
  void probeTime(java.time.Duration d) {
    probeTime = d;
  }

  private volatile java.time.Duration probeTime = java.time.Duration.ZERO;

  int probes(String address) {
    AtomicInteger n = probes.get(address);
    return n == null ? 0 : n.get();
  }

  private final InspectInterface inspect =
      new InspectInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) {}

        @Override
        public Inspection inspectHardware(TaskContext task) throws DriverException {
          String address = String.valueOf(task.node().driverInfo().get("fake_address"));
          probes.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
          try {
            Thread.sleep(probeTime.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Machine m = machines.get(address);
          if (m == null) {
            throw new ConnectionFailedException("Could not connect to " + address + ": refused.");
          }
          if (!m.password().equals(task.node().driverInfo().get("fake_password"))) {
            throw new AuthenticationFailedException(
                "The machine at " + address + " refused the credentials.");
          }
          return new Inspection(
              Map.of(
                  "hostname", m.hostName(),
                  "cpu", Map.of("count", 4, "architecture", "x86_64"),
                  "memory", Map.of("physical_mb", 8192),
                  "disks", List.of(Map.of("name", "disk0", "size", 128_000_000_000L)),
                  "interfaces", List.of(Map.of("name", "eth0", "mac_address", m.mac()))),
              m.missing());
        }
      };

  @Override
  public String name() {
    return fake.name();
  }

  @Override
  public PowerInterface power() {
    return fake.power();
  }

  @Override
  public ManagementInterface management() {
    return fake.management();
  }

  @Override
  public DeployInterface deploy() {
    return fake.deploy();
  }

  @Override
  public Optional<InspectInterface> inspect() {
    return Optional.of(inspect);
  }
}
