package org.amtpxe.amt.internal;

import java.util.Optional;

/** The two ways to reach AMT's WS-Management service, with their default ports. */
public enum AmtProtocol {
  HTTP("http", 16992),
  HTTPS("https", 16993);

  private final String value;
  private final int defaultPort;

  AmtProtocol(String value, int defaultPort) {
    this.value = value;
    this.defaultPort = defaultPort;
  }

  /** The spelling in driver_info and configuration: {@code http} or {@code https}. */
  public String value() {
    return value;
  }

  /** 16992 for http, 16993 for https. */
  public int defaultPort() {
    return defaultPort;
  }

  /** Parses the exact, case-sensitive spelling (as Ironic did). */
  public static Optional<AmtProtocol> fromValue(String value) {
    for (AmtProtocol p : values()) {
      if (p.value.equals(value)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return value;
  }
}
