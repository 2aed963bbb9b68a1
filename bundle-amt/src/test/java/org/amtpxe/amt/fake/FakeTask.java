package org.amtpxe.amt.fake;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.DeployInterface;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;

/** A conductor's task for driver tests: a node held in memory, a lock kind, the driver. */
public final class FakeTask implements TaskContext {
  private Node node;
  private final boolean shared;
  private final BareMetalDriver driver;
  private int saves;

  public FakeTask(Node node, boolean shared, PowerInterface power, ManagementInterface management) {
    this.node = node;
    this.shared = shared;
    this.driver =
        new BareMetalDriver() {
          @Override
          public String name() {
            return "fake_amt";
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
            throw new UnsupportedOperationException("no deploy in AMT tests");
          }
        };
  }

  /** A node of the fake_amt driver with the given driver_info. */
  public static Node node(Map<String, ?> driverInfo) {
    return Node.builder("1be26c0b-03f2-4d2e-ae87-c02d7f33c123", "fake_amt")
        .name("n1")
        .driverInfo(driverInfo)
        .build();
  }

  @Override
  public synchronized Node node() {
    return node;
  }

  @Override
  public List<Port> ports() {
    return List.of();
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
  public synchronized Node putDriverInternalInfo(Map<String, ?> entries) {
    requireExclusiveUnchecked();
    Map<String, Object> merged = new HashMap<>(node.driverInternalInfo());
    entries.forEach(
        (k, v) -> {
          if (v == null) {
            merged.remove(k);
          } else {
            merged.put(k, v);
          }
        });
    node = node.toBuilder().driverInternalInfo(merged).build();
    saves++;
    return node;
  }

  @Override
  public synchronized Node putInstanceInfo(Map<String, ?> entries) {
    requireExclusiveUnchecked();
    Map<String, Object> merged = new HashMap<>(node.instanceInfo());
    merged.putAll(entries);
    node = node.toBuilder().instanceInfo(merged).build();
    saves++;
    return node;
  }

  /** How often the node was stored. */
  public synchronized int saves() {
    return saves;
  }

  private void requireExclusiveUnchecked() {
    if (shared) {
      throw new IllegalStateException("stored under a shared lock");
    }
  }
}
