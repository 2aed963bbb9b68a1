package org.amtpxe.virtualamt.internal.sol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.RedirectionState;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Debian's {@code amtterm}, a SOL client written by others, against the virtual AMT's redirection
 * listener: it logs in, sees the host's serial output and its typed keys reach the host. Skipped
 * without {@code /usr/bin/amtterm} (package amtterm).
 */
class AmttermTest {
  private static final Path AMTTERM = Path.of("/usr/bin/amtterm");
  private static final String PASSWORD = "Sol-P@ss1";

  private VirtualAmt amt;
  private VirtualAmtNode node;
  private Process process;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    assumeTrue(Files.isExecutable(AMTTERM), "amtterm is not installed (apt-get install amtterm)");
    amt =
        VirtualAmt.builder()
            .node(
                NodeSpec.builder("sol-1")
                    .address("127.0.0.1")
                    .port(0)
                    .redirectionPort(0)
                    .password(PASSWORD)
                    .build())
            .start();
    node = amt.node("sol-1");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
    if (amt != null) {
      amt.close();
    }
  }

  private Process amtterm(String password) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                "timeout",
                "20",
                AMTTERM.toString(),
                "-u",
                "admin",
                "127.0.0.1",
                Integer.toString(node.redirectionPort().orElseThrow())));
    pb.environment().put("AMT_PASSWORD", password);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    Thread pump =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  synchronized (seen) {
                    seen.write(buffer, 0, n);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    pump.setDaemon(true);
    pump.start();
    return p;
  }

  private String seen() {
    synchronized (seen) {
      return seen.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean await(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  @Test
  void amttermSeesTheSerialOutputAndTypesIntoTheHost() throws Exception {
    node.setRedirection(RedirectionState.SOL_READY);
    process = amtterm(PASSWORD);

    assertThat(await(node::solSessionOpen, Duration.ofSeconds(10)))
        .as("amtterm opened a SOL session")
        .isTrue();
    Thread.sleep(300);
    node.serialWrite("SeaBIOS (version 1.16.2)\r\nBooting from Network...\r\n".getBytes());
    assertThat(await(() -> seen().contains("Booting from Network..."), Duration.ofSeconds(5)))
        .as("amtterm printed: %s", seen())
        .isTrue();

    OutputStream keys = process.getOutputStream();
    keys.write("root\r".getBytes(StandardCharsets.US_ASCII));
    keys.flush();
    // The in-memory machine echoes what it receives, as a terminal with echo on.
    assertThat(await(() -> seen().contains("root"), Duration.ofSeconds(5)))
        .as("amtterm printed: %s", seen())
        .isTrue();
  }

  @Test
  void amttermIsRefusedAWrongPasswordAndTheFailureCountsTowardTheLockout() throws Exception {
    node.setRedirection(RedirectionState.SOL_READY);
    process = amtterm("wrong-password");

    // NOTE: amtterm 1.4 exits with status 0 even when refused; its message tells.
    process.waitFor();
    assertThat(await(() -> seen().contains("authentication failed"), Duration.ofSeconds(2)))
        .as("amtterm printed: %s", seen())
        .isTrue();
    assertThat(node.solSessionOpen()).isFalse();
  }

  @Test
  void amttermIsRefusedWhileSolIsDisabled() throws Exception {
    node.setRedirection(new RedirectionState(true, RedirectionState.DISABLED));
    process = amtterm(PASSWORD);

    process.waitFor();
    assertThat(
            await(() -> seen().contains("redirection session start failed"), Duration.ofSeconds(2)))
        .as("amtterm printed: %s", seen())
        .isTrue();
  }
}
