package org.amtpxe.conductor.internal.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.driver.BootHistoryInterface;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.driver.InspectInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.PowerState;

/**
 * A complete in-memory driver for tests and benchmarks: machines whose power state lives in a map,
 * a boot device kept in driver_internal_info, and a deploy that waits for a callback carrying a
 * per-deploy key. Records every call and fails on request.
 */
public final class FakeDriver implements BareMetalDriver {
  /** The callback method the fake deploy ramdisk uses. */
  public static final String CALLBACK = "pass_deploy_info";

  private final String name;
  private final Map<String, PowerState> machines = new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<String> callbackAddresses = new CopyOnWriteArrayList<>();
  private final Map<String, DriverException> failures = new ConcurrentHashMap<>();
  private final Map<String, Error> errors = new ConcurrentHashMap<>();
  private volatile Duration powerDelay = Duration.ZERO;
  private volatile String unavailable;
  private volatile boolean softPower = true;
  private volatile boolean nmi = true;
  private volatile boolean synchronousDeploy;
  private volatile boolean inspectable = true;
  private volatile Inspection inspection = new Inspection(Map.of(), List.of());

  public FakeDriver(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /** Calls so far, as {@code <operation>:<node uuid>[:<argument>]}. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** Calls so far of one operation (for example {@code power.set}). */
  /** The {@code address} of every deploy callback validated, in order. */
  public List<String> callbackAddresses() {
    return List.copyOf(callbackAddresses);
  }

  public List<String> calls(String operation) {
    List<String> matching = new ArrayList<>();
    for (String c : calls) {
      if (c.startsWith(operation + ":")) {
        matching.add(c);
      }
    }
    return matching;
  }

  public void clearCalls() {
    calls.clear();
  }

  /** Makes every later call of the operation throw; null makes it succeed again. */
  public void failOn(String operation, DriverException error) {
    if (error == null) {
      failures.remove(operation);
    } else {
      failures.put(operation, error);
    }
  }

  /** Makes every later call of the operation throw an Error (a broken JVM, a bug). */
  public void breakOn(String operation, Error error) {
    errors.put(operation, error);
  }

  public void clearFailures() {
    failures.clear();
    errors.clear();
  }

  /** The machine's real power state (what an out-of-band change would alter). */
  public void setMachinePower(String uuid, PowerState state) {
    machines.put(uuid, state);
  }

  public PowerState machinePower(String uuid) {
    return machines.getOrDefault(uuid, PowerState.POWER_OFF);
  }

  /** How long every power read and change takes. */
  public void setPowerDelay(Duration delay) {
    powerDelay = delay;
  }

  public void setUnavailable(String reason) {
    unavailable = reason;
  }

  public void setSoftPowerSupported(boolean supported) {
    softPower = supported;
  }

  public void setNmiSupported(boolean supported) {
    nmi = supported;
  }

  /** Makes deploy() finish at once instead of waiting for a callback. */
  public void setSynchronousDeploy(boolean synchronous) {
    synchronousDeploy = synchronous;
  }

  /** Whether the driver has an inspect interface (it has by default). */
  public void setInspectable(boolean inspectable) {
    this.inspectable = inspectable;
  }

  /** What every later inspection returns. */
  public void setInspection(Inspection inspection) {
    this.inspection = inspection;
  }

  @Override
  public Optional<String> unavailableReason() {
    return Optional.ofNullable(unavailable);
  }

  private void call(String operation, TaskContext task, Object argument) throws DriverException {
    calls.add(operation + ":" + task.node().uuid() + (argument == null ? "" : ":" + argument));
    DriverException failure = failures.get(operation);
    if (failure != null) {
      throw failure;
    }
    Error error = errors.get(operation);
    if (error != null) {
      throw error;
    }
  }

  private void sleep() {
    Duration d = powerDelay;
    if (!d.isZero()) {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final PowerInterface power =
      new PowerInterface() {
        @Override
        public Map<String, String> properties() {
          Map<String, String> p = new LinkedHashMap<>();
          p.put("fake_address", "Address of the fake machine. Required.");
          p.put("fake_password", "Password of the fake machine. Optional.");
          return p;
        }

        @Override
        public void validate(TaskContext task) throws DriverException {
          call("power.validate", task, null);
          Object address = task.node().driverInfo().get("fake_address");
          if (address == null || address.toString().isEmpty()) {
            throw new MissingParameterValueException(
                "Node "
                    + task.node().uuid()
                    + " requires the following to be set in node's driver_info: [fake_address]",
                List.of("fake_address"));
          }
        }

        @Override
        public PowerState getPowerState(TaskContext task) throws DriverException {
          call("power.get", task, null);
          sleep();
          return machinePower(task.node().uuid());
        }

        @Override
        public void setPowerState(TaskContext task, PowerState target, Duration timeout)
            throws DriverException {
          task.requireExclusive("setting the power state");
          call("power.set", task, target);
          sleep();
          machines.put(
              task.node().uuid(),
              target == PowerState.SOFT_POWER_OFF ? PowerState.POWER_OFF : target);
        }

        @Override
        public void reboot(TaskContext task, Duration timeout) throws DriverException {
          task.requireExclusive("rebooting");
          call("power.reboot", task, null);
          sleep();
          machines.put(task.node().uuid(), PowerState.POWER_ON);
        }

        @Override
        public Set<PowerState> supportedPowerStates(TaskContext task) {
          return softPower
              ? EnumSet.of(
                  PowerState.POWER_ON,
                  PowerState.POWER_OFF,
                  PowerState.REBOOT,
                  PowerState.SOFT_POWER_OFF,
                  PowerState.SOFT_REBOOT)
              : EnumSet.of(PowerState.POWER_ON, PowerState.POWER_OFF, PowerState.REBOOT);
        }

        @Override
        public void injectNmi(TaskContext task) throws DriverException {
          if (!nmi) {
            PowerInterface.super.injectNmi(task);
          }
          task.requireExclusive("injecting an NMI");
          call("power.nmi", task, null);
        }
      };

  private final ManagementInterface management =
      new ManagementInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) throws DriverException {
          call("management.validate", task, null);
        }

        @Override
        public Set<BootDevice> supportedBootDevices(TaskContext task) {
          return EnumSet.of(BootDevice.PXE, BootDevice.DISK);
        }

        @Override
        public void setBootDevice(TaskContext task, BootDevice device, boolean persistent)
            throws DriverException {
          task.requireExclusive("setting the boot device");
          call("management.set", task, device);
          Map<String, Object> entries = new LinkedHashMap<>();
          entries.put("fake_boot_device", device.value());
          entries.put("fake_boot_persistent", persistent);
          task.putDriverInternalInfo(entries);
        }

        @Override
        public BootDeviceSetting getBootDevice(TaskContext task) throws DriverException {
          call("management.get", task, null);
          Object device = task.node().driverInternalInfo().get("fake_boot_device");
          if (device == null) {
            return new BootDeviceSetting(BootDevice.DISK, true);
          }
          return new BootDeviceSetting(
              BootDevice.fromValue(device.toString()).orElse(BootDevice.DISK),
              Boolean.TRUE.equals(task.node().driverInternalInfo().get("fake_boot_persistent")));
        }
      };

  private final DeployInterface deploy =
      new DeployInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of("fake_deploy_kernel", "Kernel of the deploy ramdisk. Optional.");
        }

        @Override
        public void validate(TaskContext task) throws DriverException {
          call("deploy.validate", task, null);
          if (!task.node().instanceInfo().containsKey("image_source")) {
            throw new MissingParameterValueException(
                "Node "
                    + task.node().uuid()
                    + " requires the following to be set in node's instance_info: [image_source]",
                List.of("image_source"));
          }
        }

        @Override
        public void prepare(TaskContext task) throws DriverException {
          task.requireExclusive("preparing a deploy");
          call("deploy.prepare", task, null);
        }

        @Override
        public DeployState deploy(TaskContext task) throws DriverException {
          task.requireExclusive("deploying");
          call("deploy.deploy", task, null);
          machines.put(task.node().uuid(), PowerState.POWER_ON);
          if (synchronousDeploy) {
            return DeployState.DONE;
          }
          return DeployState.WAIT_CALLBACK;
        }

        @Override
        public Set<String> callbackMethods() {
          return Set.of(CALLBACK);
        }

        @Override
        public void validateCallback(TaskContext task, String method, Map<String, Object> body)
            throws DriverException {
          call("deploy.validateCallback", task, method);
          if (!body.containsKey("address")) {
            throw new MissingParameterValueException(
                "The deploy callback for node " + task.node().uuid() + " needs an address",
                List.of("address"));
          }
          callbackAddresses.add(String.valueOf(body.get("address")));
        }

        @Override
        public DeployState continueDeploy(TaskContext task, String method, Map<String, Object> body)
            throws DriverException {
          task.requireExclusive("continuing a deploy");
          call("deploy.continue", task, method);
          Object error = body.get("error");
          if (error != null && !error.toString().isEmpty()) {
            throw new DeployFailureException("The ramdisk reported: " + error);
          }
          return DeployState.DONE;
        }

        @Override
        public DeployState tearDown(TaskContext task) throws DriverException {
          task.requireExclusive("tearing down");
          call("deploy.tearDown", task, null);
          machines.put(task.node().uuid(), PowerState.POWER_OFF);
          return DeployState.DELETED;
        }

        @Override
        public void cleanUp(TaskContext task) throws DriverException {
          call("deploy.cleanUp", task, null);
        }

        @Override
        public void takeOver(TaskContext task) throws DriverException {
          task.requireExclusive("taking over");
          call("deploy.takeOver", task, null);
        }
      };

  private final InspectInterface inspect =
      new InspectInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) throws DriverException {
          call("inspect.validate", task, null);
        }

        @Override
        public Inspection inspectHardware(TaskContext task) throws DriverException {
          call("inspect.inspect", task, null);
          return inspection;
        }
      };

  private final FakeSerial serial = new FakeSerial();

  private final ConsoleInterface console =
      new ConsoleInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) throws DriverException {
          call("console.validate", task, null);
        }

        @Override
        public void startConsole(TaskContext task) throws DriverException {
          call("console.start", task, null);
        }

        @Override
        public void stopConsole(TaskContext task) throws DriverException {
          call("console.stop", task, null);
        }

        @Override
        public ConsoleSession openSession(TaskContext task) throws DriverException {
          call("console.open", task, null);
          return serial.open(task.node().uuid());
        }
      };

  private volatile BootHistory bootHistoryResult =
      new BootHistory(List.of(), java.time.Instant.EPOCH, 1, false);
  private volatile boolean bootHistorySupported = true;

  private final BootHistoryInterface bootHistory =
      new BootHistoryInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) throws DriverException {
          call("history.validate", task, null);
        }

        @Override
        public BootHistory readBootHistory(TaskContext task) throws DriverException {
          call("history.read", task, null);
          return bootHistoryResult;
        }
      };

  /** What the boot history reads answer (an empty log by default). */
  public void setBootHistory(BootHistory history) {
    this.bootHistoryResult = history;
  }

  /** Whether the driver has a boot history interface (it has by default). */
  public void setBootHistorySupported(boolean supported) {
    this.bootHistorySupported = supported;
  }

  @Override
  public Optional<BootHistoryInterface> bootHistory() {
    return bootHistorySupported ? Optional.of(bootHistory) : Optional.empty();
  }

  /** The nodes' serial ports behind the console. */
  public FakeSerial serial() {
    return serial;
  }

  private volatile boolean consoleSupported = true;

  /** Whether the driver has a console interface (it has by default). */
  public void setConsoleSupported(boolean supported) {
    this.consoleSupported = supported;
  }

  @Override
  public Optional<ConsoleInterface> console() {
    return consoleSupported ? Optional.of(console) : Optional.empty();
  }

  @Override
  public Optional<InspectInterface> inspect() {
    return inspectable ? Optional.of(inspect) : Optional.empty();
  }

  @Override
  public PowerInterface power() {
    return power;
  }

  @Override
  public ManagementInterface management() {
    return management;
  }

  @Override
  public DeployInterface deploy() {
    return deploy;
  }
}
