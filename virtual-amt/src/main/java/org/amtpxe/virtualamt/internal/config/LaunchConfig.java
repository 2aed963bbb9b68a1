package org.amtpxe.virtualamt.internal.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.amtpxe.virtualamt.InMemoryMachine;
import org.amtpxe.virtualamt.MachineBackend;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;

/**
 * What the standalone emulator starts: its nodes, the control API and TLS material, read from a
 * config file or the command line.
 *
 * @param nodes the nodes
 * @param controlAddress where the control API listens, null for none
 * @param controlPort its port
 * @param keyStore a PKCS#12 key store for TLS, null to generate a self-signed certificate
 * @param keyStorePassword its password
 * @param workerThreads request threads shared by all nodes
 * @param machines the machine behind each node that is not in memory, by node name
 */
public record LaunchConfig(
    List<NodeSpec> nodes,
    String controlAddress,
    int controlPort,
    Path keyStore,
    String keyStorePassword,
    int workerThreads,
    Map<String, Function<NodeSpec, MachineBackend>> machines) {

  /** The default control API address. */
  public static final String DEFAULT_CONTROL_ADDRESS = "127.0.0.1";

  /** The default control API port. */
  public static final int DEFAULT_CONTROL_PORT = 16990;

  /** The default number of request threads. */
  public static final int DEFAULT_WORKERS = 32;

  /** A configuration whose machines are all in memory. */
  public LaunchConfig(
      List<NodeSpec> nodes,
      String controlAddress,
      int controlPort,
      Path keyStore,
      String keyStorePassword,
      int workerThreads) {
    this(nodes, controlAddress, controlPort, keyStore, keyStorePassword, workerThreads, Map.of());
  }

  /** Copies the node list and the machines. */
  public LaunchConfig {
    nodes = List.copyOf(nodes);
    machines = Map.copyOf(machines);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("The configuration defines no nodes");
    }
  }

  /** A builder set up with this configuration. */
  public VirtualAmt.Builder toBuilder() {
    VirtualAmt.Builder b = VirtualAmt.builder().nodes(nodes).workerThreads(workerThreads);
    if (controlAddress != null) {
      b.controlApi(controlAddress, controlPort);
    }
    if (keyStore != null) {
      b.tlsKeyStore(keyStore, keyStorePassword);
    }
    if (!machines.isEmpty()) {
      b.machineFactory(
          spec -> {
            Function<NodeSpec, MachineBackend> factory = machines.get(spec.name());
            return factory != null
                ? factory.apply(spec)
                : new InMemoryMachine(spec.initialPowerState(), spec.timing());
          });
    }
    return b;
  }

  @Override
  public String toString() {
    return "LaunchConfig["
        + nodes.size()
        + " nodes, control="
        + (controlAddress == null ? "none" : controlAddress + ":" + controlPort)
        + ", keyStore="
        + keyStore
        + ", workerThreads="
        + workerThreads
        + "]";
  }
}
