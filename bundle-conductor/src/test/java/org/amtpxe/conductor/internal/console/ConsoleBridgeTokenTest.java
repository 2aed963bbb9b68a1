package org.amtpxe.conductor.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.api.driver.ConsoleSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A console port with a token: only a client whose first line is the token reaches the session. */
class ConsoleBridgeTokenTest {
  private static final String TOKEN = "5f0c1e0b9d2a4c3e8f7a6b5c4d3e2f10";

  private final AtomicInteger opened = new AtomicInteger();
  private ConsoleBridge bridge;

  /** A session whose host says hello, then ends. */
  private ConsoleSession hello() {
    opened.incrementAndGet();
    return new ConsoleSession() {
      private final InputStream in =
          new java.io.ByteArrayInputStream("hello from ttyS0\r\n".getBytes(StandardCharsets.UTF_8));

      @Override
      public InputStream input() {
        return in;
      }

      @Override
      public OutputStream output() {
        return OutputStream.nullOutputStream();
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  @AfterEach
  void stop() {
    if (bridge != null) {
      bridge.close();
    }
  }

  private static String firstBytes(Socket s, int max) throws IOException {
    s.setSoTimeout(5000);
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] b = new byte[256];
    int n;
    while (seen.size() < max && (n = s.getInputStream().read(b)) >= 0) {
      seen.write(b, 0, n);
    }
    return seen.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theRightTokenLineReachesTheSession() throws Exception {
    bridge = new ConsoleBridge("Node t", "127.0.0.1", 0, TOKEN, this::hello);
    try (Socket s = new Socket("127.0.0.1", bridge.port())) {
      s.getOutputStream().write((TOKEN + "\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(firstBytes(s, 18)).contains("hello from ttyS0");
    }
    assertThat(opened.get()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aWrongTokenIsRefusedBeforeAnySessionOpens() throws Exception {
    bridge = new ConsoleBridge("Node t", "127.0.0.1", 0, TOKEN, this::hello);
    try (Socket s = new Socket("127.0.0.1", bridge.port())) {
      s.getOutputStream().write("guess\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(firstBytes(s, 4096)).contains("wrong or missing console token");
    }
    assertThat(opened.get()).isZero();
  }
}
