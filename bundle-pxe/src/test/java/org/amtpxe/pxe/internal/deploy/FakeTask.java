package org.amtpxe.pxe.internal.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.api.model.PowerState;

/**
 * A task over one node with power and management fakes that record every call, in order, into
 * {@link #calls} (the notifier records there too).
 */
public final class FakeTask implements TaskContext {
  public final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
  public volatile Node node;
  public List<Port> ports;
  public boolean shared;
  public DeployInterface deploy;

  /** Runs when power.reboot is called (the IT boots a VM here). */
  public Runnable onReboot = () -> {};

  /** Runs when the management interface is asked to ensure the next boot device. */
  public java.util.function.Consumer<BootDevice> onEnsure = d -> {};

  /** Runs when the power is set off. */
  public Runnable onPowerOff = () -> {};

  public FakeTask(Node node, List<Port> ports) {
    this.node = node;
    this.ports = ports;
  }

  public static Port port(String nodeUuid, String mac) {
    return Port.builder("port-" + mac, org.amtpxe.api.model.MacAddress.parse(mac), nodeUuid)
        .createdAt(Instant.EPOCH)
        .build();
  }

  @Override
  public Node node() {
    return node;
  }

  @Override
  public List<Port> ports() {
    return ports;
  }

  @Override
  public boolean isShared() {
    return shared;
  }

  @Override
  public BareMetalDriver driver() {
    return driver;
  }

  @Override
  public Node putDriverInternalInfo(Map<String, ?> entries) throws DriverException {
    requireExclusive("putDriverInternalInfo");
    node = node.toBuilder().driverInternalInfo(merge(node.driverInternalInfo(), entries)).build();
    return node;
  }

  @Override
  public Node putInstanceInfo(Map<String, ?> entries) throws DriverException {
    requireExclusive("putInstanceInfo");
    node = node.toBuilder().instanceInfo(merge(node.instanceInfo(), entries)).build();
    return node;
  }

  /** History events recorded through {@link #recordEvent}, as {@code <type> <text>}. */
  public final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

  /** When set, {@link #recordEvent} also goes into {@link #calls}, to check the order. */
  public boolean eventsInCalls;

  @Override
  public void recordEvent(String eventType, String event) {
    events.add(eventType + " " + event);
    if (eventsInCalls) {
      calls.add("event " + eventType + " " + event);
    }
  }

  private static Map<String, Object> merge(Map<String, Object> base, Map<String, ?> entries) {
    Map<String, Object> m = new HashMap<>(base);
    entries.forEach(
        (k, v) -> {
          if (v == null) {
            m.remove(k);
          } else {
            m.put(k, v);
          }
        });
    return m;
  }

  final PowerInterface power =
      new PowerInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) {}

        @Override
        public PowerState getPowerState(TaskContext task) {
          calls.add("power.get");
          return PowerState.POWER_ON;
        }

        @Override
        public void setPowerState(TaskContext task, PowerState target, Duration timeout) {
          calls.add("power.set " + target.value());
          if (target == PowerState.POWER_OFF) {
            onPowerOff.run();
          }
        }

        @Override
        public void reboot(TaskContext task, Duration timeout) {
          calls.add("power.reboot");
          onReboot.run();
        }

        @Override
        public Set<PowerState> supportedPowerStates(TaskContext task) {
          return Set.of(PowerState.POWER_ON, PowerState.POWER_OFF, PowerState.REBOOT);
        }
      };

  final ManagementInterface management =
      new ManagementInterface() {
        @Override
        public Map<String, String> properties() {
          return Map.of();
        }

        @Override
        public void validate(TaskContext task) {}

        @Override
        public Set<BootDevice> supportedBootDevices(TaskContext task) {
          return Set.of(BootDevice.PXE, BootDevice.DISK);
        }

        @Override
        public void setBootDevice(TaskContext task, BootDevice device, boolean persistent) {
          calls.add("management.setBootDevice " + device + (persistent ? " persistent" : ""));
        }

        @Override
        public BootDeviceSetting getBootDevice(TaskContext task) {
          return new BootDeviceSetting(BootDevice.DISK, true);
        }

        @Override
        public void ensureNextBootDevice(TaskContext task, BootDevice device) {
          calls.add("management.ensureNextBootDevice " + device);
          onEnsure.accept(device);
        }
      };

  final BareMetalDriver driver =
      new BareMetalDriver() {
        @Override
        public String name() {
          return "pxe_amt";
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
      };
}
