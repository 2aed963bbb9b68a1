package org.amtpxe.virtualamt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The configuration of one virtual AMT: where it listens, its credentials, its firmware identity,
 * its host's initial state and its realism switches. Immutable; {@link #toString()} hides the
 * password.
 *
 * @param name unique node name ({@code [A-Za-z0-9][A-Za-z0-9._-]*}), used by the control API
 * @param address the IP address to listen on, e.g. {@code 127.0.1.7}
 * @param port the HTTP port (16992 on real AMT); 0 picks a free port
 * @param tlsPort the HTTPS port (16993 on real AMT); 0 picks a free port; -1 disables TLS
 * @param username the digest user name
 * @param password the digest password
 * @param realm the digest realm, {@code Digest:} followed by 32 upper-case hex digits
 * @param qop the quality of protection the 401 challenge offers
 * @param firmwareVersion the AMT version written in the {@code Server} header
 * @param initialPowerState the host's power state at start
 * @param defaultBootDevice what the host boots from when no AMT override applies
 * @param timing how long the in-memory machine's power transitions take
 * @param switches the initial realism switches
 * @param hardware the host's hardware as the inventory classes report it (a machine backend may
 *     replace parts with what it really is: {@link MachineBackend#hardware})
 * @param redirectionPort the redirection (Serial-over-LAN) port (16994 on real AMT); 0 picks a free
 *     port; -1 (the default) opens none
 */
public record NodeSpec(
    String name,
    String address,
    int port,
    int tlsPort,
    String username,
    String password,
    String realm,
    Qop qop,
    String firmwareVersion,
    HostPowerState initialPowerState,
    BootDevice defaultBootDevice,
    MachineTiming timing,
    Switches switches,
    Hardware hardware,
    int redirectionPort) {

  /** The AMT HTTP port. */
  public static final int AMT_HTTP_PORT = 16992;

  /** The AMT HTTPS port. */
  public static final int AMT_HTTPS_PORT = 16993;

  /** The AMT redirection port (Serial-over-LAN without TLS). */
  public static final int AMT_REDIRECTION_PORT = 16994;

  /** Opens no redirection port in {@link #redirectionPort()}. */
  public static final int NO_REDIRECTION = -1;

  /** Disables TLS in {@link #tlsPort()}. */
  public static final int NO_TLS = -1;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern REALM = Pattern.compile("Digest:[0-9A-F]{32}");
  private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+){1,3}");

  /** The {@code qop} values a 401 challenge offers. */
  public enum Qop {
    /** {@code qop="auth"} (most firmware). */
    AUTH("auth"),
    /** {@code qop="auth-int, auth"} (newer firmware); both are then accepted. */
    AUTH_INT_AND_AUTH("auth-int, auth");

    private final String headerValue;

    Qop(String headerValue) {
      this.headerValue = headerValue;
    }

    /** The value written inside the quotes of the challenge's {@code qop} parameter. */
    public String headerValue() {
      return headerValue;
    }

    /**
     * Parses {@code auth} or {@code auth-int} (also the header form {@code auth-int, auth}).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static Qop parse(String value) {
      String v = value == null ? "" : value.replace(" ", "").toLowerCase(Locale.ROOT);
      switch (v) {
        case "auth":
          return AUTH;
        case "auth-int":
        case "auth-int,auth":
          return AUTH_INT_AND_AUTH;
        default:
          throw new IllegalArgumentException(
              "Unknown qop '" + value + "': use 'auth' or 'auth-int' (offers auth-int and auth)");
      }
    }
  }

  /** Validates every field; see the builder for defaults. */
  public NodeSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Node name '" + name + "' is not valid: use letters, digits, '.', '_' and '-'");
    }
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("Node " + name + " needs an address to listen on");
    }
    checkPort(name, "port", port, false);
    checkPort(name, "tlsPort", tlsPort, true);
    checkPort(name, "redirectionPort", redirectionPort, true);
    if (username == null || username.isEmpty()) {
      throw new IllegalArgumentException("Node " + name + " needs a username");
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("Node " + name + " needs a password");
    }
    if (realm == null || !REALM.matcher(realm).matches()) {
      throw new IllegalArgumentException(
          "Node " + name + ": realm must be 'Digest:' followed by 32 upper-case hex digits");
    }
    Objects.requireNonNull(qop, "qop");
    if (firmwareVersion == null || !VERSION.matcher(firmwareVersion).matches()) {
      throw new IllegalArgumentException(
          "Node "
              + name
              + ": firmware version must look like 11.8.50.3425, not "
              + firmwareVersion);
    }
    Objects.requireNonNull(initialPowerState, "initialPowerState");
    Objects.requireNonNull(defaultBootDevice, "defaultBootDevice");
    if (defaultBootDevice == BootDevice.BIOS) {
      throw new IllegalArgumentException(
          "Node " + name + ": the default boot device must be pxe, disk or cdrom");
    }
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(switches, "switches");
    Objects.requireNonNull(hardware, "hardware");
  }

  /**
   * {@code count} nodes like {@code template}, named {@code <prefix>1 .. <prefix><count>}: on
   * consecutive IPv4 addresses from {@code firstAddress} (skipping .0 and .255 in the last octet)
   * with the template's ports; or, when {@code firstAddress} is null, all on the template's address
   * with consecutive ports from the template's (ports 0 stay 0). Realms derived from the template's
   * name are derived again from each node's name.
   *
   * @throws IllegalArgumentException if count is not positive or the address is not IPv4
   */
  public static List<NodeSpec> series(
      int count, String namePrefix, String firstAddress, NodeSpec template) {
    if (count < 1) {
      throw new IllegalArgumentException("A series needs at least one node, not " + count);
    }
    List<NodeSpec> result = new ArrayList<>(count);
    long address = firstAddress == null ? 0 : Ipv4.parse(firstAddress);
    for (int i = 0; i < count; i++) {
      Builder b = template.toBuilder().name(namePrefix + (i + 1));
      if (firstAddress != null) {
        b.address(Ipv4.format(address));
        if (i + 1 < count) {
          address = Ipv4.next(address);
        }
      } else {
        b.port(template.port() == 0 ? 0 : template.port() + i);
        if (template.tlsEnabled()) {
          b.tlsPort(template.tlsPort() == 0 ? 0 : template.tlsPort() + i);
        }
        if (template.redirectionPort() > 0) {
          b.redirectionPort(template.redirectionPort() + i);
        }
      }
      result.add(b.build());
    }
    return result;
  }

  /** A builder for a node with this name and defaults for everything else. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder starting from this node's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** True when the node also listens with TLS. */
  public boolean tlsEnabled() {
    return tlsPort != NO_TLS;
  }

  /** The firmware's major version, e.g. 11 for 11.8.50.3425. */
  public int firmwareMajor() {
    return Integer.parseInt(firmwareVersion.substring(0, firmwareVersion.indexOf('.')));
  }

  /** The realm a node of this name gets when none is given: stable across restarts. */
  public static String defaultRealm(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("MD5").digest(name.getBytes(StandardCharsets.UTF_8));
      return "Digest:" + HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no MD5", e);
    }
  }

  @Override
  public String toString() {
    return "NodeSpec[name="
        + name
        + ", address="
        + address
        + ", port="
        + port
        + ", tlsPort="
        + tlsPort
        + ", username="
        + username
        + ", password=****, realm="
        + realm
        + ", qop="
        + qop
        + ", firmwareVersion="
        + firmwareVersion
        + ", initialPowerState="
        + initialPowerState
        + ", defaultBootDevice="
        + defaultBootDevice
        + ", timing="
        + timing
        + ", switches="
        + switches
        + ", hardware="
        + hardware
        + "]";
  }

  private static void checkPort(String name, String what, int value, boolean allowDisabled) {
    boolean ok = (value >= 0 && value <= 65535) || (allowDisabled && value == NO_TLS);
    if (!ok) {
      throw new IllegalArgumentException(
          "Node "
              + name
              + ": "
              + what
              + " must be 0 (any free port) to 65535"
              + (allowDisabled ? " or -1 (off)" : "")
              + ", not "
              + value);
    }
  }

  /** Builds {@link NodeSpec}; every field but the name has a default. */
  public static final class Builder {
    private String name;
    private String address = "127.0.0.1";
    private int port = AMT_HTTP_PORT;
    private int tlsPort = NO_TLS;
    private int redirectionPort = NO_REDIRECTION;
    private String username = "admin";
    private String password;
    private String realm;
    private Qop qop = Qop.AUTH;
    private String firmwareVersion = "11.8.50.3425";
    private HostPowerState initialPowerState = HostPowerState.OFF;
    private BootDevice defaultBootDevice = BootDevice.DISK;
    private MachineTiming timing = MachineTiming.instant();
    private Switches switches = Switches.defaults();
    private Hardware hardware;

    private Builder(String name) {
      this.name = name;
    }

    private Builder(NodeSpec spec) {
      name = spec.name;
      address = spec.address;
      port = spec.port;
      tlsPort = spec.tlsPort;
      redirectionPort = spec.redirectionPort;
      username = spec.username;
      password = spec.password;
      realm = spec.realm;
      qop = spec.qop;
      firmwareVersion = spec.firmwareVersion;
      initialPowerState = spec.initialPowerState;
      defaultBootDevice = spec.defaultBootDevice;
      timing = spec.timing;
      switches = spec.switches;
      hardware = spec.hardware;
    }

    /**
     * See {@link NodeSpec#name()}; a realm derived from the old name is re-derived, and so are the
     * hardware's per-node values ({@link Hardware#renamed}).
     */
    public Builder name(String value) {
      if (realm != null && name != null && realm.equals(defaultRealm(name))) {
        realm = null;
      }
      if (hardware != null && name != null && value != null && NAME.matcher(name).matches()) {
        hardware = hardware.renamed(name, value);
      }
      name = value;
      return this;
    }

    /** See {@link NodeSpec#address()}; default {@code 127.0.0.1}. */
    public Builder address(String value) {
      address = value;
      return this;
    }

    /** See {@link NodeSpec#port()}; default 16992. */
    public Builder port(int value) {
      port = value;
      return this;
    }

    /** See {@link NodeSpec#redirectionPort()}; default -1 (none). */
    public Builder redirectionPort(int value) {
      redirectionPort = value;
      return this;
    }

    /** See {@link NodeSpec#tlsPort()}; default -1 (no TLS). */
    public Builder tlsPort(int value) {
      tlsPort = value;
      return this;
    }

    /** See {@link NodeSpec#username()}; default {@code admin}. */
    public Builder username(String value) {
      username = value;
      return this;
    }

    /** See {@link NodeSpec#password()}; required. */
    public Builder password(String value) {
      password = value;
      return this;
    }

    /** See {@link NodeSpec#realm()}; default derived from the name. */
    public Builder realm(String value) {
      realm = value;
      return this;
    }

    /** See {@link NodeSpec#qop()}; default {@link Qop#AUTH}. */
    public Builder qop(Qop value) {
      qop = value;
      return this;
    }

    /** See {@link NodeSpec#firmwareVersion()}; default {@code 11.8.50.3425}. */
    public Builder firmwareVersion(String value) {
      firmwareVersion = value;
      return this;
    }

    /** See {@link NodeSpec#initialPowerState()}; default off. */
    public Builder initialPowerState(HostPowerState value) {
      initialPowerState = value;
      return this;
    }

    /** See {@link NodeSpec#defaultBootDevice()}; default disk. */
    public Builder defaultBootDevice(BootDevice value) {
      defaultBootDevice = value;
      return this;
    }

    /** See {@link NodeSpec#timing()}; default instant. */
    public Builder timing(MachineTiming value) {
      timing = value;
      return this;
    }

    /** See {@link NodeSpec#switches()}; default {@link Switches#defaults()}. */
    public Builder switches(Switches value) {
      switches = value;
      return this;
    }

    /** See {@link NodeSpec#hardware()}; default {@link Hardware#derived} from the name. */
    public Builder hardware(Hardware value) {
      hardware = value;
      return this;
    }

    /** The hardware set so far, or the one derived from the name. */
    public Hardware hardware() {
      return hardware != null ? hardware : Hardware.derived(name == null ? "node" : name);
    }

    /**
     * Builds the node configuration.
     *
     * @throws IllegalArgumentException if a value is missing or not valid
     */
    public NodeSpec build() {
      String effectiveRealm = realm;
      if (effectiveRealm == null && name != null) {
        effectiveRealm = defaultRealm(name);
      }
      return new NodeSpec(
          name,
          address,
          port,
          tlsPort,
          username,
          password,
          effectiveRealm,
          qop,
          firmwareVersion,
          initialPowerState,
          defaultBootDevice,
          timing,
          switches,
          hardware(),
          redirectionPort);
    }
  }

  /** IPv4 address arithmetic for {@link #series}. */
  static final class Ipv4 {
    private Ipv4() {}

    static long parse(String text) {
      String[] parts = text.trim().split("\\.", -1);
      if (parts.length != 4) {
        throw notIpv4(text);
      }
      long value = 0;
      for (String p : parts) {
        int octet;
        try {
          octet = Integer.parseInt(p);
        } catch (NumberFormatException e) {
          throw notIpv4(text);
        }
        if (octet < 0 || octet > 255) {
          throw notIpv4(text);
        }
        value = (value << 8) | octet;
      }
      return value;
    }

    static long next(long address) {
      long v = address + 1;
      while ((v & 0xFF) == 0 || (v & 0xFF) == 0xFF) {
        v++;
      }
      if (v > 0xFFFF_FFFEL) {
        throw new IllegalArgumentException("The address series runs past 255.255.255.254");
      }
      return v;
    }

    static String format(long v) {
      return ((v >> 24) & 0xFF)
          + "."
          + ((v >> 16) & 0xFF)
          + "."
          + ((v >> 8) & 0xFF)
          + "."
          + (v & 0xFF);
    }

    private static IllegalArgumentException notIpv4(String text) {
      return new IllegalArgumentException("'" + text + "' is not an IPv4 address like 127.0.1.1");
    }
  }
}
