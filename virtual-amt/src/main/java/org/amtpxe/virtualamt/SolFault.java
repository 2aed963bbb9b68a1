package org.amtpxe.virtualamt;

/** Ways the next SOL session of a virtual AMT misbehaves, for testing clients. */
public enum SolFault {
  /** Accepts the connection and never answers StartRedirectionSession. */
  SILENT_HANDSHAKE,
  /** After SOL starts, sends neither data nor heartbeats and ignores the console. */
  SILENCE,
  /** After SOL starts, announces a data message of 65535 bytes. */
  OVERSIZED_LENGTH,
  /** After SOL starts, sends half of a data message and closes the connection. */
  TRUNCATED_FRAME,
  /** Answers AuthenticateSession with a length field of 2^31 bytes. */
  OVERSIZED_AUTH_REPLY
}
