package org.amtpxe.conductor.internal.store;

/** An insert or update broke a unique constraint: a node name, node UUID, MAC address... */
public class DuplicateKeyException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String constraint;

  public DuplicateKeyException(String constraint, Throwable cause) {
    super("Duplicate value for " + constraint, cause);
    this.constraint = constraint;
  }

  /** The unique constraint that was violated, lower case (for example {@code uniq_nodes_name}). */
  public String constraint() {
    return constraint;
  }
}
