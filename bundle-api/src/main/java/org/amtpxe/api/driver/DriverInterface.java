package org.amtpxe.api.driver;

import java.util.Map;
import org.amtpxe.api.error.DriverException;
import org.osgi.annotation.versioning.ProviderType;

/** What every driver interface offers: its parameters and an offline check of them. */
@ProviderType
public interface DriverInterface {

  /**
   * The parameters this interface reads from the node, each with a description that ends in
   * "Required." or "Optional.".
   */
  Map<String, String> properties();

  /**
   * Checks that the node carries what this interface needs. Offline and fast: never contacts the
   * hardware.
   *
   * @param task the node and its lock
   * @throws org.amtpxe.api.error.MissingParameterValueException when required parameters are absent
   *     or empty, all of them named
   * @throws org.amtpxe.api.error.InvalidParameterValueException when a parameter has a bad value
   * @throws DriverException for any other reason the node cannot be driven
   */
  void validate(TaskContext task) throws DriverException;
}
