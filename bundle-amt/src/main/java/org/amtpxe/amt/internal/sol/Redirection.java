package org.amtpxe.amt.internal.sol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The AMT redirection protocol's message types, lengths and status codes, and the messages the
 * console sends, built in one place (docs/amt-sol.md#messages). Multi-byte numbers are
 * little-endian.
 */
public final class Redirection {
  public static final int START_REDIRECTION_SESSION = 0x10;
  public static final int START_REDIRECTION_SESSION_REPLY = 0x11;
  public static final int END_REDIRECTION_SESSION = 0x12;
  public static final int AUTHENTICATE_SESSION = 0x13;
  public static final int AUTHENTICATE_SESSION_REPLY = 0x14;
  public static final int START_SOL_REDIRECTION = 0x20;
  public static final int START_SOL_REDIRECTION_REPLY = 0x21;
  public static final int END_SOL_REDIRECTION = 0x22;
  public static final int END_SOL_REDIRECTION_REPLY = 0x23;
  public static final int SOL_KEEP_ALIVE_PING = 0x24;
  public static final int SOL_KEEP_ALIVE_PONG = 0x25;
  public static final int SOL_DATA_TO_HOST = 0x28;
  public static final int SOL_CONTROLS_FROM_HOST = 0x29;
  public static final int SOL_DATA_FROM_HOST = 0x2A;
  public static final int SOL_HEARTBEAT = 0x2B;

  /** StartRedirectionSession and its reply before the OEM bytes. */
  public static final int START_SESSION_LENGTH = 8;

  public static final int START_SESSION_REPLY_LENGTH = 13;

  /** Header of AuthenticateSession and its reply: type, status, 2 reserved, auth type, length. */
  public static final int AUTH_HEADER_LENGTH = 9;

  public static final int START_SOL_LENGTH = 24;
  public static final int START_SOL_REPLY_LENGTH = 23;
  public static final int HEARTBEAT_LENGTH = 8;
  public static final int CONTROLS_LENGTH = 10;
  public static final int END_SOL_LENGTH = 8;
  public static final int END_SESSION_LENGTH = 4;

  /** Header of a data message: type, 3 reserved, sequence number, data length. */
  public static final int DATA_HEADER_LENGTH = 10;

  /** The session type "SOL " as sent in StartRedirectionSession. */
  public static final byte[] SOL_SESSION = "SOL ".getBytes(StandardCharsets.US_ASCII);

  /** StartRedirectionSessionReply status values. */
  public static final int STATUS_SUCCESS = 0;

  public static final int STATUS_TYPE_UNKNOWN = 1;
  public static final int STATUS_BUSY = 2;
  public static final int STATUS_UNSUPPORTED = 3;
  public static final int STATUS_ERROR = 0xFF;

  /** AuthenticateSessionReply status values. */
  public static final int AUTH_SUCCESS = 0;

  public static final int AUTH_FAILURE = 1;
  public static final int AUTH_NOT_SUPPORTED = 2;

  /** Authentication types. */
  public static final int AUTH_QUERY = 0;

  public static final int AUTH_USER_PASSWORD = 1;
  public static final int AUTH_DIGEST = 4;

  /** The URI the redirection digest is computed over, as if it were an HTTP POST. */
  public static final String DIGEST_URI = "/RedirectionService";

  private Redirection() {}

  /** StartRedirectionSession for SOL. */
  public static byte[] startSession() {
    byte[] m = new byte[START_SESSION_LENGTH];
    m[0] = START_REDIRECTION_SESSION;
    System.arraycopy(SOL_SESSION, 0, m, 4, 4);
    return m;
  }

  /** AuthenticateSession with the given type and data. */
  public static byte[] authenticate(int authType, byte[] data) {
    ByteBuffer b = le(AUTH_HEADER_LENGTH + data.length);
    b.put((byte) AUTHENTICATE_SESSION).put((byte) 0).putShort((short) 0);
    b.put((byte) authType).putInt(data.length).put(data);
    return b.array();
  }

  /**
   * StartSOLRedirection with the session's settings.
   *
   * @param sequence the console's message sequence number
   * @param settings buffer and timeouts (milliseconds), each 0..65535
   */
  public static byte[] startSol(int sequence, RedirectionSettings settings) {
    ByteBuffer b = le(START_SOL_LENGTH);
    b.put((byte) START_SOL_REDIRECTION).put((byte) 0).putShort((short) 0).putInt(sequence);
    b.putShort((short) settings.maxTransmitBuffer());
    b.putShort((short) settings.transmitBufferTimeoutMillis());
    b.putShort((short) 0); // transmit overflow timeout: none
    b.putShort((short) settings.hostSessionRxTimeoutMillis());
    b.putShort((short) settings.fifoRxFlushTimeoutMillis());
    b.putShort((short) settings.heartbeatMillis());
    b.putInt(0);
    return b.array();
  }

  /** One SOL data message to the host; {@code length} at most 65535. */
  public static byte[] data(int sequence, byte[] data, int offset, int length) {
    ByteBuffer b = le(DATA_HEADER_LENGTH + length);
    b.put((byte) SOL_DATA_TO_HOST).put((byte) 0).putShort((short) 0).putInt(sequence);
    b.putShort((short) length).put(data, offset, length);
    return b.array();
  }

  /** The console's heartbeat. */
  public static byte[] heartbeat(int sequence) {
    ByteBuffer b = le(HEARTBEAT_LENGTH);
    b.put((byte) SOL_HEARTBEAT).put((byte) 0).putShort((short) 0).putInt(sequence);
    return b.array();
  }

  /** EndSOLRedirection. */
  public static byte[] endSol(int sequence) {
    ByteBuffer b = le(END_SOL_LENGTH);
    b.put((byte) END_SOL_REDIRECTION).put((byte) 0).putShort((short) 0).putInt(sequence);
    return b.array();
  }

  /** EndRedirectionSession. */
  public static byte[] endSession() {
    return new byte[] {END_REDIRECTION_SESSION, 0, 0, 0};
  }

  /** A StartRedirectionSessionReply status, in words. */
  public static String startStatus(int status) {
    return switch (status) {
      case STATUS_TYPE_UNKNOWN -> "session type unknown";
      case STATUS_BUSY -> "busy: another redirection session is open";
      case STATUS_UNSUPPORTED -> "SOL is not enabled in the redirection service";
      case STATUS_ERROR -> "error";
      default -> "status " + status;
    };
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
