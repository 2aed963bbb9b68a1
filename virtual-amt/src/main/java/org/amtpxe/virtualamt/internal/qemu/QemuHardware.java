package org.amtpxe.virtualamt.internal.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.amtpxe.virtualamt.Hardware;

/**
 * The hardware a QEMU machine reports through its virtual AMT, read from its options: {@code -smp}
 * (in {@code extraArgs}) gives the CPUs, {@code memoryMb} the one memory module, the raw disk
 * image's size (or {@code diskSizeMb} before it exists) the disk, the NIC's MAC the wired port AMT
 * shares, {@code firmware} the boot mode. Vendors, serial numbers and names stay the spec's.
 */
public final class QemuHardware {
  /** The model string QEMU's default x86-64 CPU under TCG reports. */
  static final String CPU_MODEL = "QEMU Virtual CPU version 2.5+";

  private static final int CPU_MHZ = 2000;

  private QemuHardware() {}

  /**
   * The declared hardware with this machine's real parts in place.
   *
   * @param options the machine
   * @param declared the node spec's hardware
   */
  public static Hardware map(QemuOptions options, Hardware declared) {
    Topology t = topology(options.extraArgs());
    List<Hardware.Cpu> cpus = new ArrayList<>();
    for (int i = 0; i < t.sockets(); i++) {
      cpus.add(new Hardware.Cpu(CPU_MODEL, t.cores(), t.cores() * t.threads(), CPU_MHZ, CPU_MHZ));
    }
    Hardware.MemoryBank bank =
        new Hardware.MemoryBank(
            "DIMM 0", (long) options.memoryMb() * 1024 * 1024, 2400, "QEMU", "Unknown", null);
    Hardware.Disk disk = new Hardware.Disk("QEMU virtio-blk", null, diskBytes(options));
    return declared
        .withCpus(cpus)
        .withMemory(List.of(bank))
        .withDisks(List.of(disk))
        .withSharedMac(options.macLowerCase())
        .withBootMode(options.firmware() == QemuOptions.Firmware.UEFI ? "uefi" : "bios");
  }

  /** The disk's virtual size: the raw image's length, or the size it will be created with. */
  static long diskBytes(QemuOptions options) {
    try {
      if (Files.isRegularFile(options.disk())) {
        long size = Files.size(options.disk());
        if (size > 0) {
          return size;
        }
      }
    } catch (IOException e) {
      // fall back to the configured size below
    }
    return Math.max(1, (long) options.diskSizeMb() * 1024 * 1024);
  }

  /** CPU sockets, cores per socket and threads per core. */
  record Topology(int sockets, int cores, int threads) {}

  /**
   * Reads the last {@code -smp} of the arguments: {@code N} alone is one socket of N cores (QEMU
   * 6.2 and later prefer cores to sockets); {@code sockets}, {@code cores} and {@code threads} fill
   * in what is left; without {@code -smp} the machine has one CPU.
   *
   * @throws IllegalArgumentException for a value that is not a number
   */
  static Topology topology(List<String> args) {
    String smp = null;
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("-smp") || args.get(i).equals("--smp")) {
        smp = args.get(i + 1);
      }
    }
    if (smp == null) {
      return new Topology(1, 1, 1);
    }
    int cpus = 0;
    int sockets = 0;
    int cores = 0;
    int threads = 0;
    for (String part : smp.split(",")) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      int eq = p.indexOf('=');
      String key = eq < 0 ? "cpus" : p.substring(0, eq);
      String value = eq < 0 ? p : p.substring(eq + 1);
      switch (key) {
        case "cpus" -> cpus = number(smp, value);
        case "sockets" -> sockets = number(smp, value);
        case "cores" -> cores = number(smp, value);
        case "threads" -> threads = number(smp, value);
        default -> {
          // maxcpus, dies, clusters, books, drawers: no effect on what firmware reports here
        }
      }
    }
    threads = threads == 0 ? 1 : threads;
    if (sockets == 0 && cores == 0) {
      sockets = 1;
      cores = Math.max(1, cpus / threads);
    } else if (sockets == 0) {
      sockets = Math.max(1, cpus / (cores * threads));
    } else if (cores == 0) {
      cores = Math.max(1, cpus / (sockets * threads));
    }
    return new Topology(sockets, cores, threads);
  }

  private static int number(String smp, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-smp " + smp + " is not a CPU topology QEMU accepts");
  }
}
