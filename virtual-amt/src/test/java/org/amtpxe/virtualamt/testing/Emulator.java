package org.amtpxe.virtualamt.testing;

import java.io.IOException;
import java.util.function.UnaryOperator;
import org.amtpxe.virtualamt.NodeSpec;
import org.amtpxe.virtualamt.VirtualAmt;
import org.amtpxe.virtualamt.VirtualAmtNode;

/** Starts a one-node emulator on a free loopback port for a test. */
public final class Emulator implements AutoCloseable {
  public static final String USER = "admin";
  public static final String PASSWORD = "P@ssw0rd-42";

  private final VirtualAmt amt;

  private Emulator(VirtualAmt amt) {
    this.amt = amt;
  }

  /** One node named {@code node-1} with the defaults. */
  public static Emulator start() throws IOException {
    return start(b -> b);
  }

  /** One node named {@code node-1}, changed by {@code spec}. */
  public static Emulator start(UnaryOperator<NodeSpec.Builder> spec) throws IOException {
    return start(spec, b -> b);
  }

  /** One node, with the emulator builder changed too (control API, TLS...). */
  public static Emulator start(
      UnaryOperator<NodeSpec.Builder> spec, UnaryOperator<VirtualAmt.Builder> emulator)
      throws IOException {
    NodeSpec node =
        spec.apply(
                NodeSpec.builder("node-1")
                    .address("127.0.0.1")
                    .port(0)
                    .username(USER)
                    .password(PASSWORD))
            .build();
    return new Emulator(emulator.apply(VirtualAmt.builder().node(node)).start());
  }

  public VirtualAmt amt() {
    return amt;
  }

  public VirtualAmtNode node() {
    return amt.node("node-1");
  }

  /** A digest client with the right credentials. */
  public DigestClient client() {
    return new DigestClient(node().wsmanUri(), USER, PASSWORD);
  }

  @Override
  public void close() {
    amt.close();
  }
}
