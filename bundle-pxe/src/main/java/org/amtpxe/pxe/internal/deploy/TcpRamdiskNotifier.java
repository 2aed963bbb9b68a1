package org.amtpxe.pxe.internal.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.amtpxe.api.error.DeployFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code done} over TCP, as Ironic did. The ramdisk may not be listening yet when its
 * callback is answered, so connecting is retried until the timeout instead of Ironic's fixed sleep.
 */
public final class TcpRamdiskNotifier implements RamdiskNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(TcpRamdiskNotifier.class);
  private static final Duration RETRY = Duration.ofMillis(500);

  @Override
  public void notifyDone(String address, int port, Duration timeout) throws DeployFailureException {
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    int attempts = 0;
    while (attempts == 0 || System.nanoTime() < deadline) {
      attempts++;
      try (Socket socket = new Socket()) {
        // The address is an IP literal (validated): no name lookup happens here.
        socket.connect(new InetSocketAddress(address, port), 2000);
        OutputStream out = socket.getOutputStream();
        out.write("done".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.shutdownOutput();
        LOG.debug("Notified the ramdisk at {}:{} after {} attempt(s)", address, port, attempts);
        return;
      } catch (IOException e) {
        last = e;
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new DeployFailureException(
        "Could not tell the deploy ramdisk at "
            + address
            + ":"
            + port
            + " to reboot within "
            + timeout.toSeconds()
            + " s ("
            + last
            + "). Check that the ramdisk listens on notify_port and that the conductor can reach"
            + " it.",
        last);
  }
}
