package org.amtpxe.api.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open connection to a node's serial port, opened by {@link ConsoleInterface#openSession}.
 * Thread-safe in the way sockets are: one thread may read while another writes. Closing it from any
 * thread ends a blocked read.
 *
 * @since 1.2
 */
@ProviderType
public interface ConsoleSession extends AutoCloseable {

  /**
   * What the node's serial port sends. {@code read} returns -1 when the session ended (closed here,
   * or by the hardware) and throws an {@link IOException} when it failed, with a message saying why
   * (no answer in time, a broken frame).
   */
  InputStream input();

  /** What goes to the node's serial port, as typed keys. */
  OutputStream output();

  /** False once the session ended, whoever ended it. */
  boolean isOpen();

  /** Ends the session politely (telling the hardware) and releases it. Never throws. */
  @Override
  void close();
}
