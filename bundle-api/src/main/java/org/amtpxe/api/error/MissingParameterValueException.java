package org.amtpxe.api.error;

import java.util.List;

/** Required parameters are absent or empty. Lists all of them at once. */
public class MissingParameterValueException extends InvalidParameterValueException {
  private static final long serialVersionUID = 1L;

  private final List<String> missing;

  /**
   * @param message what is missing and where to set it
   * @param missing the names of every missing parameter
   */
  public MissingParameterValueException(String message, List<String> missing) {
    super(message);
    this.missing = List.copyOf(missing);
  }

  /** The names of every missing parameter. */
  public List<String> missing() {
    return missing;
  }
}
