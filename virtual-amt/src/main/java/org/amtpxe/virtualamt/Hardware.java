package org.amtpxe.virtualamt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amtpxe.api.model.MacAddress;

/**
 * The hardware of the host behind a virtual AMT, as its inventory classes report it (CIM_Processor,
 * CIM_Chip, CIM_PhysicalMemory, CIM_MediaAccessDevice, CIM_Chassis, CIM_Card, CIM_BIOSElement,
 * AMT_EthernetPortSettings, AMT_GeneralSettings, CIM_ComputerSystemPackage). Immutable.
 *
 * <p>{@link #derived(String)} gives every node name its own reproducible hardware: the number at
 * the end of the name ({@code amt-17} -> 17) and a hash of the rest make its MAC, serial numbers
 * and platform GUID, so the nodes of a series differ and a restart gives the same values.
 *
 * @param cpus the processor packages (one CIM_Processor and one CIM_Chip each); at least one
 * @param memory the memory modules (one CIM_PhysicalMemory each)
 * @param disks the disks (one CIM_MediaAccessDevice each)
 * @param nics the network interfaces AMT knows (one AMT_EthernetPortSettings each); the first wired
 *     one is the port AMT shares with the host, the one that PXE-boots
 * @param chassis the chassis (CIM_Chassis)
 * @param baseboard the base board (CIM_Card)
 * @param bios the BIOS (CIM_BIOSElement)
 * @param hostName the host name (AMT_GeneralSettings HostName)
 * @param domainName the domain name (AMT_GeneralSettings DomainName)
 * @param platformGuid 32 upper-case hex digits (CIM_ComputerSystemPackage PlatformGUID)
 * @param bootMode {@code bios} or {@code uefi}: the host firmware (not served by AMT's classes;
 *     shown by the control API)
 */
public record Hardware(
    List<Cpu> cpus,
    List<MemoryBank> memory,
    List<Disk> disks,
    List<Nic> nics,
    Board chassis,
    Board baseboard,
    Bios bios,
    String hostName,
    String domainName,
    String platformGuid,
    String bootMode) {

  private static final Pattern TRAILING_NUMBER = Pattern.compile("^(.*?)(\\d+)$");
  private static final Pattern GUID = Pattern.compile("[0-9A-F]{32}");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})");

  /**
   * A processor package.
   *
   * @param model the model string (CIM_Chip Version), e.g. {@code Intel(R) Core(TM) i7-10700 CPU @
   *     2.90GHz}
   * @param cores cores in the package (not served: AMT's CIM_Processor has no core count)
   * @param threads hardware threads in the package (not served either)
   * @param maxSpeedMhz CIM_Processor MaxClockSpeed
   * @param speedMhz CIM_Processor CurrentClockSpeed
   */
  public record Cpu(String model, int cores, int threads, int maxSpeedMhz, int speedMhz) {
    /** Validates the values. */
    public Cpu {
      requireText(model, "cpu model");
      if (cores < 1 || threads < cores) {
        throw new IllegalArgumentException(
            "A CPU needs cores >= 1 and threads >= cores, not " + cores + "/" + threads);
      }
      if (maxSpeedMhz < 1 || speedMhz < 1) {
        throw new IllegalArgumentException("CPU speeds must be positive MHz");
      }
    }
  }

  /**
   * A memory module.
   *
   * @param bankLabel e.g. {@code BANK 0}
   * @param sizeBytes CIM_PhysicalMemory Capacity, in bytes
   * @param speedMhz the configured and maximum speed in MHz
   * @param manufacturer the JEDEC manufacturer code firmware writes, e.g. {@code 80CE}
   * @param partNumber the module's part number
   * @param serialNumber the module's serial number, or null when the SPD has none
   */
  public record MemoryBank(
      String bankLabel,
      long sizeBytes,
      int speedMhz,
      String manufacturer,
      String partNumber,
      String serialNumber) {
    /** Validates the values. */
    public MemoryBank {
      requireText(bankLabel, "memory bankLabel");
      if (sizeBytes < 1 || speedMhz < 1) {
        throw new IllegalArgumentException("A memory bank needs a positive size and speed");
      }
    }
  }

  /**
   * A disk.
   *
   * @param model the model (not served: AMT's CIM_MediaAccessDevice carries none), or null
   * @param serialNumber the serial (not served either), or null
   * @param sizeBytes the size in bytes (MaxMediaSize is written in kilobytes of 1000 bytes)
   */
  public record Disk(String model, String serialNumber, long sizeBytes) {
    /** Validates the values. */
    public Disk {
      if (sizeBytes < 1) {
        throw new IllegalArgumentException("A disk needs a positive size, not " + sizeBytes);
      }
    }
  }

  /**
   * A network interface.
   *
   * @param mac its MAC address, colon-separated lower case
   * @param wireless true for the wireless LAN port
   */
  public record Nic(String mac, boolean wireless) {
    /** Validates and normalises the MAC. */
    public Nic {
      String given = mac;
      mac =
          MacAddress.tryParse(given)
              .map(MacAddress::toString)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "A NIC needs a MAC like 52:54:00:12:34:56, not '" + given + "'"));
    }
  }

  /**
   * A chassis or base board.
   *
   * @param manufacturer Manufacturer
   * @param model Model
   * @param serialNumber SerialNumber, or null when the SMBIOS table has none
   * @param version Version
   */
  public record Board(String manufacturer, String model, String serialNumber, String version) {
    /** Validates the values. */
    public Board {
      requireText(manufacturer, "manufacturer");
      requireText(model, "model");
      requireText(version, "version");
    }
  }

  /**
   * The BIOS.
   *
   * @param vendor Manufacturer
   * @param version Version and SoftwareElementID
   * @param releaseDate ReleaseDate
   */
  public record Bios(String vendor, String version, LocalDate releaseDate) {
    /** Validates the values. */
    public Bios {
      requireText(vendor, "bios vendor");
      requireText(version, "bios version");
      Objects.requireNonNull(releaseDate, "bios releaseDate");
    }
  }

  /** Validates the values and copies the lists. */
  public Hardware {
    cpus = List.copyOf(cpus);
    if (cpus.isEmpty()) {
      throw new IllegalArgumentException("The hardware needs at least one CPU");
    }
    memory = List.copyOf(memory);
    disks = List.copyOf(disks);
    nics = List.copyOf(nics);
    Objects.requireNonNull(chassis, "chassis");
    Objects.requireNonNull(baseboard, "baseboard");
    Objects.requireNonNull(bios, "bios");
    if (hostName == null || !HOST_NAME.matcher(hostName).matches()) {
      throw new IllegalArgumentException(
          "hostName must be one DNS label (letters, digits, '-'), not '" + hostName + "'");
    }
    requireText(domainName, "domainName");
    if (platformGuid == null || !GUID.matcher(platformGuid).matches()) {
      throw new IllegalArgumentException(
          "platformGuid must be 32 upper-case hex digits, not '" + platformGuid + "'");
    }
    if (!"bios".equals(bootMode) && !"uefi".equals(bootMode)) {
      throw new IllegalArgumentException("bootMode must be 'bios' or 'uefi', not " + bootMode);
    }
  }

  /** The wired port AMT shares with the host: the first wired NIC, if any. */
  public Optional<Nic> sharedNic() {
    return nics.stream().filter(n -> !n.wireless()).findFirst();
  }

  /** Total memory in bytes. */
  public long memoryBytes() {
    return memory.stream().mapToLong(MemoryBank::sizeBytes).sum();
  }

  /**
   * The reproducible hardware of the node with this name: an 8-thread desktop with two 8 GiB
   * modules, a 512 GB disk, a wired NIC and a wireless one.
   */
  public static Hardware derived(String nodeName) {
    Identity id = Identity.of(nodeName);
    String tag = id.tag();
    return new Hardware(
        List.of(new Cpu("Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz", 8, 16, 4800, 2900)),
        List.of(
            new MemoryBank(
                "BANK 0", 8L << 30, 2933, "80CE", "M378A1K43DB2-CVF", id.hex("dimm0", 8)),
            new MemoryBank(
                "BANK 2", 8L << 30, 2933, "80CE", "M378A1K43DB2-CVF", id.hex("dimm1", 8))),
        List.of(new Disk("VAMT NVMe 512GB", "VD" + tag, 512_110_190_592L)),
        List.of(new Nic(id.mac(0x02), false), new Nic(id.mac(0x06), true)),
        new Board("amtpxe", "Virtual vPro Desktop", "VC" + tag, "1.0"),
        new Board("amtpxe", "VAMT-Q470", "VB" + tag, "A01"),
        new Bios("amtpxe", "VAMT.Q470.0042.2023.0517", LocalDate.of(2023, 5, 17)),
        hostNameFor(nodeName),
        "vamt.test",
        id.hex("platform", 32),
        "bios");
  }

  /**
   * This hardware for a node renamed from {@code oldName} to {@code newName}: each per-node value
   * (MACs, serial numbers, host name, platform GUID) that is still the one derived from the old
   * name becomes the one derived from the new name; values set explicitly stay.
   */
  public Hardware renamed(String oldName, String newName) {
    Hardware before = derived(oldName);
    Hardware after = derived(newName);
    return new Hardware(
        cpus,
        indexed(
            memory,
            before.memory,
            after.memory,
            (m, b, a) ->
                new MemoryBank(
                    m.bankLabel(),
                    m.sizeBytes(),
                    m.speedMhz(),
                    m.manufacturer(),
                    m.partNumber(),
                    pick(m.serialNumber(), b.serialNumber(), a.serialNumber()))),
        indexed(
            disks,
            before.disks,
            after.disks,
            (d, b, a) ->
                new Disk(
                    d.model(),
                    pick(d.serialNumber(), b.serialNumber(), a.serialNumber()),
                    d.sizeBytes())),
        indexed(
            nics,
            before.nics,
            after.nics,
            (n, b, a) -> new Nic(pick(n.mac(), b.mac(), a.mac()), n.wireless())),
        renamedBoard(chassis, before.chassis, after.chassis),
        renamedBoard(baseboard, before.baseboard, after.baseboard),
        bios,
        pick(hostName, before.hostName, after.hostName),
        domainName,
        pick(platformGuid, before.platformGuid, after.platformGuid),
        bootMode);
  }

  /** A copy with other CPUs. */
  public Hardware withCpus(List<Cpu> value) {
    return new Hardware(
        value,
        memory,
        disks,
        nics,
        chassis,
        baseboard,
        bios,
        hostName,
        domainName,
        platformGuid,
        bootMode);
  }

  /** A copy with other memory modules. */
  public Hardware withMemory(List<MemoryBank> value) {
    return new Hardware(
        cpus,
        value,
        disks,
        nics,
        chassis,
        baseboard,
        bios,
        hostName,
        domainName,
        platformGuid,
        bootMode);
  }

  /** A copy with other disks. */
  public Hardware withDisks(List<Disk> value) {
    return new Hardware(
        cpus,
        memory,
        value,
        nics,
        chassis,
        baseboard,
        bios,
        hostName,
        domainName,
        platformGuid,
        bootMode);
  }

  /** A copy with other NICs. */
  public Hardware withNics(List<Nic> value) {
    return new Hardware(
        cpus,
        memory,
        disks,
        value,
        chassis,
        baseboard,
        bios,
        hostName,
        domainName,
        platformGuid,
        bootMode);
  }

  /** A copy with the wired port AMT shares carrying this MAC (added when there is none). */
  public Hardware withSharedMac(String mac) {
    List<Nic> result = new ArrayList<>();
    boolean replaced = false;
    for (Nic n : nics) {
      if (!replaced && !n.wireless()) {
        result.add(new Nic(mac, false));
        replaced = true;
      } else {
        result.add(n);
      }
    }
    if (!replaced) {
      result.add(0, new Nic(mac, false));
    }
    return withNics(result);
  }

  /** A copy with another boot mode ({@code bios} or {@code uefi}). */
  public Hardware withBootMode(String value) {
    return new Hardware(
        cpus,
        memory,
        disks,
        nics,
        chassis,
        baseboard,
        bios,
        hostName,
        domainName,
        platformGuid,
        value);
  }

  /**
   * The default host name of a node: its name up to the first dot, other characters than letters,
   * digits and '-' as '-', at most 63.
   */
  static String hostNameFor(String nodeName) {
    String label = nodeName.split("\\.", 2)[0].replaceAll("[^A-Za-z0-9-]", "-");
    if (label.isEmpty() || label.startsWith("-")) {
      label = "host" + label;
    }
    return label.length() > 63 ? label.substring(0, 63) : label;
  }

  private static <T> T pick(T current, T derivedBefore, T derivedAfter) {
    return Objects.equals(current, derivedBefore) ? derivedAfter : current;
  }

  private static Board renamedBoard(Board current, Board before, Board after) {
    return new Board(
        current.manufacturer(),
        current.model(),
        pick(current.serialNumber(), before.serialNumber(), after.serialNumber()),
        current.version());
  }

  private interface Renamer<T> {
    T apply(T current, T before, T after);
  }

  private static <T> List<T> indexed(
      List<T> current, List<T> before, List<T> after, Renamer<T> renamer) {
    List<T> result = new ArrayList<>(current.size());
    for (int i = 0; i < current.size(); i++) {
      T c = current.get(i);
      result.add(
          i < before.size() && i < after.size()
              ? renamer.apply(c, before.get(i), after.get(i))
              : c);
    }
    return result;
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  /** What makes a node's derived values its own: the number its name ends in and the rest. */
  private record Identity(String name, int prefixHash, long number) {
    static Identity of(String name) {
      Matcher m = TRAILING_NUMBER.matcher(name);
      String prefix = name;
      long number;
      if (m.matches() && m.group(2).length() <= 9) {
        prefix = m.group(1);
        number = Long.parseLong(m.group(2));
      } else {
        number = Integer.toUnsignedLong(digest(name, "number").hashCode()) & 0xFF_FFFF;
      }
      return new Identity(name, Math.floorMod(prefix.hashCode() * 31 + 7, 0x1_0000), number);
    }

    /**
     * A locally administered unicast MAC: {@code first:PP:PP:NN:NN:NN}, P the prefix hash, N the
     * number, so nodes of one series (up to 16 million) never share one.
     */
    String mac(int first) {
      long n = number & 0xFF_FFFF;
      return String.format(
          Locale.ROOT,
          "%02x:%02x:%02x:%02x:%02x:%02x",
          first,
          prefixHash >> 8,
          prefixHash & 0xFF,
          (n >> 16) & 0xFF,
          (n >> 8) & 0xFF,
          n & 0xFF);
    }

    /** A serial-number tail: the prefix hash and the number, e.g. {@code 3F2A000017}. */
    String tag() {
      return String.format(Locale.ROOT, "%04X%06d", prefixHash, number % 1_000_000);
    }

    /** {@code digits} upper-case hex digits derived from the name and a purpose. */
    String hex(String purpose, int digits) {
      return digest(name, purpose).substring(0, digits);
    }

    private static String digest(String name, String purpose) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] hash = md.digest((purpose + ":" + name).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().withUpperCase().formatHex(hash);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("The JDK has no SHA-256", e);
      }
    }
  }
}
