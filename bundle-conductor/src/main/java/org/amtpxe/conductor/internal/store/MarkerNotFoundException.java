package org.amtpxe.conductor.internal.store;

/** A list's marker names no row (Ironic answers 400 for it). */
public final class MarkerNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String marker;

  public MarkerNotFoundException(String marker) {
    super("Marker " + marker + " could not be found.");
    this.marker = marker;
  }

  /** The marker that was asked for. */
  public String marker() {
    return marker;
  }
}
