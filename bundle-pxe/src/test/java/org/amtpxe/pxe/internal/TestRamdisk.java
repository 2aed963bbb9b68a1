package org.amtpxe.pxe.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference kernel and ramdisks for the QEMU tests: {@code -Damtpxe.ramdisk.dir=DIR} when
 * given, otherwise built once into target/ramdisk by ramdisk/build-ramdisk.sh.
 */
final class TestRamdisk {
  private TestRamdisk() {}

  /** The directory with vmlinuz, deploy_ramdisk and instance_ramdisk; skips the test if absent. */
  static synchronized Path ensureBuilt() throws Exception {
    String given = System.getProperty("amtpxe.ramdisk.dir");
    Path payload = (given != null ? Path.of(given) : Path.of("target/ramdisk")).toAbsolutePath();
    if (!Files.isRegularFile(payload.resolve("instance_ramdisk"))) {
      Path script = Path.of("../ramdisk/build-ramdisk.sh").toAbsolutePath().normalize();
      Process p =
          new ProcessBuilder("bash", script.toString(), payload.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      assumeTrue(
          p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0,
          "build-ramdisk.sh failed (needs apt, busybox-static, cpio): " + out);
    }
    return payload;
  }
}
