package org.amtpxe.pxe.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * AMT's one-time boot override, emulated on a QEMU guest over QMP: the NIC is in the boot list
 * (bootindex 1, {@code -boot strict=on}) from {@link #armPxe()} until the firmware has booted from
 * it once ({@link #consumed()}), so an un-armed reboot falls to the (unbootable) disk, as an AMT
 * desktop does after its one-shot PXE boot.
 *
 * <p>NOTE: not on the RESET event: SeaBIOS resets the machine a second time after a warm reset, and
 * that second reset must still see the override.
 */
final class QmpOneShotBoot implements AutoCloseable {
  private final SocketChannel channel;
  private final Semaphore returns = new Semaphore(0);
  final List<String> events = new CopyOnWriteArrayList<>();

  private QmpOneShotBoot(SocketChannel channel) {
    this.channel = channel;
  }

  /** Connects to QEMU's QMP socket, and consumes the boot override QEMU was started with. */
  static QmpOneShotBoot connect(Path socket) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        QmpOneShotBoot qmp = new QmpOneShotBoot(ch);
        qmp.startReader();
        qmp.command("{\"execute\":\"qmp_capabilities\"}");
        return qmp;
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /** Makes the next reset boot from the NIC (AMT: boot source + one-time boot config role). */
  void armPxe() throws Exception {
    setNicBootIndex(1);
  }

  /** The firmware booted from the NIC: the one-time override is used up. */
  void consumed() {
    Thread t =
        new Thread(
            () -> {
              try {
                setNicBootIndex(-1);
                events.add("consumed");
              } catch (Exception e) {
                events.add("disarm failed: " + e);
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private void setNicBootIndex(int index) throws Exception {
    command(
        "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/nic0\","
            + "\"property\":\"bootindex\",\"value\":"
            + index
            + "}}");
  }

  private synchronized void command(String json) throws Exception {
    channel.write(ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8)));
    if (!returns.tryAcquire(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("QEMU did not answer " + json);
    }
  }

  private void startReader() {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(
                          Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.contains("\"error\"")) {
                    events.add("QMP error: " + line);
                    returns.release();
                  } else if (line.contains("\"return\"")) {
                    returns.release();
                  }
                }
              } catch (IOException e) {
                // QEMU exited
              }
            },
            "qmp-reader");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
