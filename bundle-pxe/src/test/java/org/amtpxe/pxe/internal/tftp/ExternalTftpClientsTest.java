package org.amtpxe.pxe.internal.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TFTP server against the command-line clients firmware engineers use: curl, atftp and
 * tftp-hpa. Each test skips, saying which package to install, when its client is missing.
 */
class ExternalTftpClientsTest {
  @TempDir Path dir;
  Path root;
  TftpServer server;
  byte[] kernel;
  int port;

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    kernel = new byte[2_000_000 + 123];
    new Random(11).nextBytes(kernel);
    Files.createDirectories(root.resolve("node"));
    Files.write(root.resolve("node/deploy_kernel"), kernel);
    server =
        TftpServer.start(
            root,
            new InetSocketAddress("127.0.0.1", 0),
            new TftpServerOptions(
                1468,
                16,
                Duration.ofMillis(500),
                Duration.ofSeconds(5),
                5,
                Duration.ofSeconds(60),
                16,
                16));
    port = server.localAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static void requireTool(String tool, String pkg) {
    boolean found = false;
    for (String d : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        found = true;
      }
    }
    assumeTrue(found, tool + " is not installed (apt-get install " + pkg + "): test skipped");
  }

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(command + " did not finish within 60 s");
      }
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.exitValue()).as(command + ": " + out).isZero();
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void curlWithLargeBlocks() throws Exception {
    requireTool("curl", "curl");
    Path out = dir.resolve("curl.out");
    run(
        List.of(
            "curl",
            "-sS",
            "--tftp-blksize",
            "1468",
            "-o",
            out.toString(),
            "tftp://127.0.0.1:" + port + "/node/deploy_kernel"));
    assertThat(out).hasBinaryContent(kernel);
  }

  @Test
  void curlWithoutOptions() throws Exception {
    requireTool("curl", "curl");
    Path out = dir.resolve("curl.out");
    run(
        List.of(
            "curl",
            "-sS",
            "--tftp-no-options",
            "-o",
            out.toString(),
            "tftp://127.0.0.1:" + port + "/node/deploy_kernel"));
    assertThat(out).hasBinaryContent(kernel);
  }

  @Test
  void curlReportsAMissingFile() throws Exception {
    requireTool("curl", "curl");
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-o",
                dir.resolve("x").toString(),
                "tftp://127.0.0.1:" + port + "/node/nothing")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(68); // curl: TFTP file not found
  }

  @Test
  void atftpWithBlksize() throws Exception {
    requireTool("atftp", "atftp");
    Path out = dir.resolve("atftp.out");
    run(
        List.of(
            "atftp",
            "--get",
            "-r",
            "node/deploy_kernel",
            "-l",
            out.toString(),
            "--option",
            "blksize 1468",
            "--option",
            "tsize 0",
            "127.0.0.1",
            String.valueOf(port)));
    assertThat(out).hasBinaryContent(kernel);
  }

  @Test
  void tftpHpaInBinaryMode() throws Exception {
    requireTool("tftp", "tftp-hpa");
    Path out = dir.resolve("hpa.out");
    run(
        List.of(
            "tftp",
            "-m",
            "binary",
            "127.0.0.1",
            String.valueOf(port),
            "-c",
            "get",
            "node/deploy_kernel",
            out.toString()));
    assertThat(out).hasBinaryContent(kernel);
  }

  @Test
  void tftpHpaInItsDefaultNetasciiModeGetsTheFileUnchanged() throws Exception {
    requireTool("tftp", "tftp-hpa");
    // Netascii round trip: the server turns LF into CR LF and CR into CR NUL, tftp-hpa turns
    // them back, so even a binary file arrives intact (dnsmasq, which sends it raw, corrupts it).
    List<String> names = new ArrayList<>(List.of("node/deploy_kernel"));
    Files.writeString(root.resolve("text.cfg"), "default deploy\r\nlabel x\nbare\rcr\n");
    names.add("text.cfg");
    for (String name : names) {
      Path out = dir.resolve("ascii-" + name.replace('/', '_'));
      run(List.of("tftp", "127.0.0.1", String.valueOf(port), "-c", "get", name, out.toString()));
      assertThat(out).as(name).hasBinaryContent(Files.readAllBytes(root.resolve(name)));
    }
  }
}
