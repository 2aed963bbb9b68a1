package org.amtpxe.pxe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.pxe.internal.boot.BootConfig;
import org.amtpxe.pxe.internal.boot.BootConfigWriter;
import org.amtpxe.pxe.internal.boot.BootLabel;
import org.amtpxe.pxe.internal.boot.BootLayout;
import org.amtpxe.pxe.internal.config.BootMode;
import org.amtpxe.pxe.internal.dhcp.DnsmasqConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UEFI chain an operator sets up, end to end, in a network namespace of its own: OVMF's native
 * PXE (no iPXE ROM) gets {@code snponly.efi} from the dnsmasq configuration we generate and fetches
 * it from <b>our</b> TFTP server on port 69; iPXE then gets {@code boot.ipxe} from our HTTP server,
 * chains to the per-MAC script we wrote and boots the instance. Needs root, iproute2, dnsmasq,
 * qemu, ovmf and ipxe; skips otherwise. The namespace and every process are removed.
 */
class NetnsUefiChainIT {
  static final String MAC = "52:54:00:12:34:57";
  static final String NODE = "0c7d2f4e-8a1b-4c3d-9e5f-a1b2c3d4e5f6";

  @TempDir Path dir;
  final String ns = "amtpxe-it-" + UUID.randomUUID().toString().substring(0, 8);
  final List<Process> processes = new ArrayList<>();
  boolean nsCreated;
  final StringBuffer serial = new StringBuffer();

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : processes) {
      p.getOutputStream().close();
      // NOTE: qemu runs under timeout(1); kill the whole tree, or the VM outlives the test.
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (nsCreated) {
      sh("ip", "netns", "del", ns);
    }
  }

  static boolean onPath(String tool) {
    return Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  void inNs(String... cmd) throws Exception {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    sh(all.toArray(String[]::new));
  }

  Process startInNs(StringBuffer output, String... cmd) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
    processes.add(p);
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                  output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
              } catch (IOException e) {
                // process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return p;
  }

  @Test
  void ovmfNativePxeChainsThroughSnponlyAndOurServersToTheInstance() throws Exception {
    boolean root =
        new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
            .trim()
            .equals("0");
    assumeTrue(root, "network namespaces need root: test skipped");
    for (String tool : List.of("ip", "dnsmasq", "qemu-system-x86_64")) {
      assumeTrue(onPath(tool), tool + " is not installed: test skipped");
    }
    Path snponly = Path.of("/usr/lib/ipxe/snponly.efi");
    Path ovmf = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    assumeTrue(Files.isRegularFile(snponly), "apt-get install ipxe: test skipped");
    assumeTrue(Files.isRegularFile(ovmf), "apt-get install ovmf: test skipped");
    Path payload = TestRamdisk.ensureBuilt();

    // The boot root, as the deploy leaves it for a netbooted UEFI node.
    Path boot = Files.createDirectories(dir.resolve("boot"));
    Files.copy(snponly, boot.resolve("snponly.efi"));
    Files.createDirectories(boot.resolve(NODE));
    Files.copy(payload.resolve("vmlinuz"), boot.resolve(NODE + "/kernel"));
    Files.copy(payload.resolve("instance_ramdisk"), boot.resolve(NODE + "/ramdisk"));
    BootConfigWriter writer = new BootConfigWriter();
    writer.writeBootScript(boot);
    writer.write(
        new BootLayout(boot, boot, NODE),
        new BootConfig(
            NODE,
            BootMode.UEFI,
            BootLabel.INSTANCE,
            "http://192.168.77.1:8080",
            "unused",
            "root=netns-chain ro console=ttyS0"),
        List.of(MacAddress.parse(MAC)));

    sh("ip", "netns", "add", ns);
    nsCreated = true;
    inNs("ip", "link", "set", "lo", "up");
    inNs("ip", "link", "add", "br0", "type", "bridge");
    inNs("ip", "addr", "add", "192.168.77.1/24", "dev", "br0");
    inNs("ip", "-6", "addr", "add", "fd77::1/64", "dev", "br0", "nodad");
    inNs("ip", "link", "set", "br0", "up");
    inNs("ip", "tuntap", "add", "dev", "tap0", "mode", "tap");
    inNs("ip", "link", "set", "tap0", "master", "br0");
    inNs("ip", "link", "set", "tap0", "up");

    String classpath = System.getProperty("java.class.path");
    StringBuffer serverOut = new StringBuffer();
    startInNs(
        serverOut,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        classpath,
        LabServers.class.getName(),
        boot.toString(),
        "192.168.77.1",
        "69",
        "8080");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!serverOut.toString().contains("READY") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(serverOut.toString()).contains("READY");

    // DHCP from the configuration pxe:dnsmasq-config generates (plus an RA, so that iPXE
    // does not wait ~15 s for IPv6 autoconfiguration).
    String conf =
        new DnsmasqConfig(
                    "br0",
                    "192.168.77.100",
                    "192.168.77.150",
                    "255.255.255.0",
                    "192.168.77.1",
                    "http://192.168.77.1:8080",
                    false,
                    false)
                .render()
            + "enable-ra\ndhcp-range=::,constructor:br0,ra-only,64,1h\n";
    Path confFile = dir.resolve("dnsmasq.conf");
    Files.writeString(confFile, conf);
    StringBuffer dnsmasqOut = new StringBuffer();
    startInNs(
        dnsmasqOut,
        "dnsmasq",
        "--no-daemon",
        "--conf-file=" + confFile,
        "--dhcp-leasefile=" + dir.resolve("leases"),
        "--pid-file=" + dir.resolve("dnsmasq.pid"),
        "--user=root",
        "--log-facility=-");

    Path vars = dir.resolve("OVMF_VARS.fd");
    Files.copy(Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), vars);
    long start = System.nanoTime();
    Process qemu =
        startInNs(
            serial,
            "timeout",
            "180",
            "qemu-system-x86_64",
            "-accel",
            "tcg",
            "-machine",
            "q35",
            "-m",
            "1024",
            "-nographic",
            "-nodefaults",
            "-serial",
            "stdio",
            "-no-reboot",
            "-drive",
            "if=pflash,format=raw,readonly=on,file=" + ovmf,
            "-drive",
            "if=pflash,format=raw,file=" + vars,
            "-netdev",
            "tap,id=n0,ifname=tap0,script=no,downscript=no",
            // romfile= removes iPXE's ROM: OVMF's own PXE client boots, as on a vPro desktop.
            "-device",
            "virtio-net-pci,netdev=n0,mac=" + MAC + ",romfile=,bootindex=1");
    deadline = System.nanoTime() + Duration.ofSeconds(170).toNanos();
    while (!serial.toString().contains("INSTANCE-UP")
        && System.nanoTime() < deadline
        && qemu.isAlive()) {
      Thread.sleep(200);
    }
    Files.createDirectories(Path.of("target/failsafe-reports"));
    Files.writeString(
        Path.of("target/failsafe-reports/netns-uefi-serial.log"),
        serial + "\n--- dnsmasq ---\n" + dnsmasqOut);
    System.out.printf(
        "OVMF native PXE -> snponly.efi -> iPXE -> instance: %.1f s%n",
        (System.nanoTime() - start) / 1e9);
    String log = serial.toString();
    assertThat(log).contains("INSTANCE-UP root=netns-chain");
    assertThat(log).contains("EFI stub: Loaded initrd from command line option");
    // dnsmasq classified the firmware (arch 7) and then iPXE, as generated.
    assertThat(dnsmasqOut.toString()).contains("snponly.efi").contains("boot.ipxe");
  }
}
