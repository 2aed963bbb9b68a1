package org.amtpxe.virtualamt.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.MachineTiming;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.Switches;

/** Parses the standalone emulator's command line into a {@link LaunchConfig}. */
public final class CommandLine {
  /** The environment variable a password may come from. */
  public static final String PASSWORD_ENV = "VIRTUAL_AMT_PASSWORD";

  public static final String USAGE =
      """
      Usage: virtual-amt [options]

      Nodes (without --config):
        --nodes N                  how many virtual AMTs (default 1)
        --name-prefix P            node names P1..PN (default amt-)
        --base-address A           first node's address; the others follow, one address each
                                   (default 127.0.1.1; 127.0.0.0/8 needs no setup on Linux)
        --same-address             all nodes on --base-address with consecutive ports instead
        --port P                   HTTP port (default 16992; 0 = any free port)
        --tls-port P               also listen with TLS (AMT uses 16993; 0 = any free port)
        --redirection-port P       serve Serial-over-LAN redirection (AMT uses 16994; 0 = any)
        --tls-keystore FILE        PKCS#12 key and certificate (default: generate a self-signed one)
        --tls-keystore-password PW
        --username U               digest user (default admin)
        --password PW              digest password; or --password-file FILE, or the
                                   environment variable VIRTUAL_AMT_PASSWORD
        --qop auth|auth-int        what the 401 challenge offers (default auth)
        --firmware-version V       AMT version in the Server header (default 11.8.50.3425)
        --power on|off             the hosts' initial power state (default off)
        --default-boot disk|pxe|cdrom   what hosts boot without an AMT override (default disk)
        --transition-ms MS         every power transition takes MS milliseconds (default 0)
        --switch KEY=VALUE         a realism switch, repeatable, e.g. --switch latencyMs=200
                                   --switch concurrency=quota-fault (keys: see README.md)

      Emulator:
        --config FILE              read nodes from a JSON config file (see README.md)
        --control ADDRESS:PORT     control API (default 127.0.0.1:16990)
        --no-control               no control API
        --workers N                request threads shared by all nodes (default 32)
        --help                     this text
      """;

  private CommandLine() {}

  /** Thrown for {@code --help}. */
  public static final class HelpRequested extends Exception {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help");
    }
  }

  /**
   * Parses the arguments.
   *
   * @param args the command line
   * @param env the environment (for {@code VIRTUAL_AMT_PASSWORD} and {@code passwordEnv})
   * @throws HelpRequested for {@code --help}
   * @throws IllegalArgumentException naming the option that is wrong
   * @throws IOException if a file cannot be read
   */
  public static LaunchConfig parse(String[] args, Map<String, String> env)
      throws HelpRequested, IOException {
    Path config = null;
    int nodes = 1;
    String prefix = "amt-";
    String baseAddress = "127.0.1.1";
    boolean sameAddress = false;
    String controlAddress = LaunchConfig.DEFAULT_CONTROL_ADDRESS;
    int controlPort = LaunchConfig.DEFAULT_CONTROL_PORT;
    boolean controlGiven = false;
    Path keyStore = null;
    String keyStorePassword = null;
    Integer workers = null;
    String password = env.get(PASSWORD_ENV);
    ObjectNode switches = new ObjectMapper().createObjectNode();
    NodeSpec.Builder b = NodeSpec.builder("template");
    boolean nodeOptions = false;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if ("--help".equals(option) || "-h".equals(option)) {
        throw new HelpRequested();
      }
      if ("--same-address".equals(option)) {
        sameAddress = true;
        nodeOptions = true;
        continue;
      }
      if ("--no-control".equals(option)) {
        controlAddress = null;
        controlGiven = true;
        continue;
      }
      if (!option.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument '" + option + "'; see --help");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value; see --help");
      }
      String value = args[++i];
      boolean nodeOption = true;
      switch (option) {
        case "--config" -> {
          config = Path.of(value);
          nodeOption = false;
        }
        case "--nodes" -> nodes = positive(option, value);
        case "--name-prefix" -> prefix = value;
        case "--base-address" -> baseAddress = value;
        case "--port" -> b.port(integer(option, value));
        case "--tls-port" -> b.tlsPort(integer(option, value));
        case "--redirection-port" -> b.redirectionPort(integer(option, value));
        case "--tls-keystore" -> {
          keyStore = Path.of(value);
          nodeOption = false;
        }
        case "--tls-keystore-password" -> {
          keyStorePassword = value;
          nodeOption = false;
        }
        case "--username" -> b.username(value);
        case "--password" -> password = value;
        case "--password-file" -> password = readPasswordFile(Path.of(value));
        case "--qop" -> b.qop(NodeSpec.Qop.parse(value));
        case "--firmware-version" -> b.firmwareVersion(value);
        case "--power" ->
            b.initialPowerState(SwitchesJson.parseEnum(option, value, HostPowerState.class));
        case "--default-boot" -> b.defaultBootDevice(BootDevice.fromId(value));
        case "--transition-ms" ->
            b.timing(MachineTiming.uniform(Duration.ofMillis(integer(option, value))));
        case "--switch" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--switch needs KEY=VALUE, e.g. latencyMs=200");
          }
          switches.set(value.substring(0, eq), scalar(value.substring(eq + 1)));
        }
        case "--control" -> {
          int colon = value.lastIndexOf(':');
          if (colon <= 0) {
            throw new IllegalArgumentException(
                "--control needs ADDRESS:PORT, e.g. 127.0.0.1:16990");
          }
          controlAddress = value.substring(0, colon);
          controlPort = integer(option, value.substring(colon + 1));
          controlGiven = true;
          nodeOption = false;
        }
        case "--workers" -> {
          workers = positive(option, value);
          nodeOption = false;
        }
        default -> throw new IllegalArgumentException("Unknown option " + option + "; see --help");
      }
      nodeOptions |= nodeOption;
    }
    if (keyStore != null && keyStorePassword == null) {
      throw new IllegalArgumentException("--tls-keystore needs --tls-keystore-password");
    }
    if (config != null) {
      if (nodeOptions) {
        throw new IllegalArgumentException(
            "With --config, define nodes in the file; only --control, --no-control, --workers and"
                + " --tls-keystore may be given too");
      }
      LaunchConfig file = ConfigFile.read(config, env);
      return new LaunchConfig(
          file.nodes(),
          controlGiven ? controlAddress : file.controlAddress(),
          controlGiven ? controlPort : file.controlPort(),
          keyStore != null ? keyStore : file.keyStore(),
          keyStore != null ? keyStorePassword : file.keyStorePassword(),
          workers != null ? workers : file.workerThreads(),
          file.machines());
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException(
          "Give the digest password with --password, --password-file or the environment variable "
              + PASSWORD_ENV);
    }
    b.password(password);
    b.switches(SwitchesJson.apply(Switches.defaults(), switches));
    b.address(baseAddress);
    List<NodeSpec> specs =
        NodeSpec.series(nodes, prefix, sameAddress ? null : baseAddress, b.build());
    return new LaunchConfig(
        specs,
        controlAddress,
        controlPort,
        keyStore,
        keyStorePassword,
        workers == null ? LaunchConfig.DEFAULT_WORKERS : workers);
  }

  private static String readPasswordFile(Path file) throws IOException {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new IOException("Cannot read the password file " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode scalar(String text) {
    try {
      JsonNode n = new ObjectMapper().readTree(text);
      if (n != null && n.isValueNode()) {
        return n;
      }
    } catch (IOException e) {
      // not JSON: a plain string
    }
    return new ObjectMapper().getNodeFactory().textNode(text);
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, not '" + value + "'");
    }
  }

  private static int positive(String option, String value) {
    int n = integer(option, value);
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, not " + n);
    }
    return n;
  }
}
