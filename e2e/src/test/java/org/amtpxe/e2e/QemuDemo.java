package org.amtpxe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.amtpxe.e2e.LabStack.Deployed;
import org.amtpxe.e2e.VirtualAmtInLab.Machine;

/**
 * {@code ./run qemu}: the end-to-end lab as a demo. Deploys one QEMU machine through its virtual
 * AMT and PXE, prints the progression, the serial console's milestones and the boot history, and
 * keeps the lab (namespace {@value #NAMESPACE}) running until Ctrl+C.
 *
 * <p>Arguments: state directory, Karaf distribution, build-ramdisk.sh, ramdisk directory. The
 * environment variable {@code AMTPXE_DEMO_FIRMWARE=uefi} deploys a UEFI machine instead.
 */
public final class QemuDemo {
  static final String NAMESPACE = "amtpxe-demo";

  private QemuDemo() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: QemuDemo STATE_DIR DISTRIBUTION BUILD_RAMDISK_SH RAMDISK_DIR");
      System.exit(2);
    }
    Optional<String> missing = Lab.missingPrerequisite();
    if (missing.isPresent()) {
      System.err.println("run qemu: " + missing.get());
      System.exit(1);
    }
    Path state = Path.of(args[0]).toAbsolutePath();
    boolean uefi = "uefi".equalsIgnoreCase(System.getenv("AMTPXE_DEMO_FIRMWARE"));
    LabStack stack = new LabStack(state.resolve("lab"), NAMESPACE);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(
                      "\nStopping: QEMU, the virtual AMT, Karaf, dnsmasq, "
                          + "namespace "
                          + NAMESPACE
                          + " ...");
                  try {
                    stack.close();
                  } catch (Exception e) {
                    System.err.println("run qemu: clean-up failed: " + e);
                  }
                  stopped.countDown();
                },
                "qemu-demo-stop"));
    Machine m =
        stack.machine("qemu-1", "127.0.0.2", "52:54:00:77:01:01", "tap0", uefi ? "uefi" : "bios");
    System.out.println(
        "Starting the lab in network namespace "
            + NAMESPACE
            + ": dnsmasq (DHCP + RA), Karaf on 192.168.77.1 (API https :6385, ramdisk http :6386, TFTP :69, HTTP :8080),"
            + " the virtual AMT with a QEMU "
            + (uefi ? "UEFI (OVMF)" : "BIOS (SeaBIOS + iPXE)")
            + " machine ...");
    try {
      stack.start(
          List.of(m),
          Path.of(args[1]),
          Path.of(args[2]),
          Path.of(args[3]),
          "console=ttyS0 instance_stay_up");
    } catch (Exception | AssertionError e) {
      System.err.println("run qemu: the lab did not start: " + e.getMessage());
      System.exit(1);
    }
    Path password = state.resolve("api-password");
    Files.deleteIfExists(password);
    Files.createFile(
        password,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(password, stack.apiPassword());

    System.out.println(
        "\nDeploying qemu-1 with the baremetal CLI (driver passthru call pxe_amt enroll with the"
            + " AMT address and password: inspection names the node and creates its port; provide,"
            + " set --instance-info, deploy):");
    Deployed d;
    try {
      d =
          stack.deploy(
              m,
              uefi,
              LabStack.Enrollment.BULK,
              (t, s) -> System.out.printf("  +%5.1f s  %s%n", t, s));
    } catch (Exception | AssertionError e) {
      System.out.println("  the deploy could not run: " + e.getMessage());
      d = new Deployed("", 0, List.of(), e.getMessage());
    }
    if (!d.finalState().equals("active")) {
      System.out.println("  last_error: " + d.lastError());
    } else {
      System.out.println("  Waiting for the instance on the serial console ...");
      String serial = "";
      for (int i = 0; i < 240 && !serial.contains("INSTANCE-UP"); i++) {
        Thread.sleep(500);
        Path log = stack.serialLog(m);
        serial = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      }
      System.out.println("Serial console milestones (" + stack.serialLog(m) + "):");
      serial
          .lines()
          .map(l -> l.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").strip())
          .filter(
              l ->
                  l.startsWith("DEPLOY-RAMDISK")
                      || l.startsWith("INSTANCE-UP")
                      || l.startsWith("Booting from")
                      || l.startsWith(">>Start PXE")
                      || l.contains("EFI stub: Loaded initrd"))
          .forEach(l -> System.out.println("  " + l));
    }
    System.out.println(
        "What the machine did (virtual AMT boot history, "
            + VirtualAmtInLab.CONTROL
            + " in the namespace):");
    int i = 1;
    for (JsonNode b : stack.amt.boots(m.name())) {
      System.out.printf(
          "  %d. %-4s  %s, %s%n",
          i++,
          b.path("device").asText(),
          b.path("cause").asText(),
          b.path("overrideUsed").asBoolean() ? "AMT boot override" : "no override");
      b.path("notes").forEach(n -> System.out.println("       " + n.asText()));
    }
    System.out.println(
        "\nThe lab keeps running. In another shell (as root):\n"
            + "  ip netns exec "
            + NAMESPACE
            + " baremetal --os-endpoint "
            + LabStack.API
            + " --os-cacert "
            + stack.apiCertificate()
            + " --os-auth-type http_basic --os-username e2e --os-password \"$(cat "
            + password
            + ")\" node list\n"
            + "  ip netns exec "
            + NAMESPACE
            + " curl -s http://"
            + VirtualAmtInLab.CONTROL
            + "/api/nodes/qemu-1/boots\n"
            + "  tail -f "
            + stack.serialLog(m)
            + "\n  logs: "
            + stack.dir
            + "/karaf/data/log/karaf.log, "
            + stack.dir
            + "/virtual-amt.log\n"
            + "Stop with Ctrl+C (removes the namespace and every process).");
    stopped.await();
  }
}
