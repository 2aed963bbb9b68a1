package org.amtpxe.conductor.internal.service;

/**
 * Why the conductor refused or failed a request. The {@link Kind} decides the REST status and is
 * chosen in exactly one place per cause; the message names the node and says what to do.
 */
public class ConductorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The kinds of failure a caller can act on differently. */
  public enum Kind {
    /** The request is wrong: bad value, bad state, unknown driver. Retrying does not help. */
    INVALID,
    /** The node refuses the operation by its own setting (protected); change that first. */
    FORBIDDEN,
    /** The node, port or driver does not exist. */
    NOT_FOUND,
    /** A unique value (name, MAC address, instance) is taken. */
    CONFLICT,
    /** Another operation holds the node's lock; retry later. */
    LOCKED,
    /** No conductor worker is free; retry later. */
    BUSY,
    /** A driver or the database failed while doing what was asked. */
    FAILED
  }

  private final Kind kind;

  public ConductorException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ConductorException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ConductorException invalid(String message) {
    return new ConductorException(Kind.INVALID, message);
  }

  public static ConductorException forbidden(String message) {
    return new ConductorException(Kind.FORBIDDEN, message);
  }

  public static ConductorException notFound(String message) {
    return new ConductorException(Kind.NOT_FOUND, message);
  }

  public static ConductorException conflict(String message) {
    return new ConductorException(Kind.CONFLICT, message);
  }
}
