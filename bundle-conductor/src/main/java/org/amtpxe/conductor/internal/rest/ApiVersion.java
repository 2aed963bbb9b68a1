package org.amtpxe.conductor.internal.rest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Ironic API microversion, 1.x. This conductor implements 1.1 to {@link #MAX}, 1.78: node
 * history (1.78) is the newest feature, and 1.78 is what the current {@code baremetal} CLI asks
 * for. Every field a version up to 1.78 adds is shown from that version on ({@link NodeJson},
 * {@link PortsResource}, {@link DriversResource}); the endpoints of features this conductor does
 * not have answer as Ironic does for an absent or disabled feature ({@link Unimplemented}). See
 * docs/ironic-api.md#versions for the table of what each version adds and what is shown.
 *
 * @param major always 1 for a supported version
 * @param minor the minor version
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
  public static final ApiVersion MIN = new ApiVersion(1, 1);
  public static final ApiVersion MAX = new ApiVersion(1, 78);
  public static final String HEADER = "X-OpenStack-Ironic-API-Version";
  public static final String MIN_HEADER = "X-OpenStack-Ironic-API-Minimum-Version";
  public static final String MAX_HEADER = "X-OpenStack-Ironic-API-Maximum-Version";

  private static final Pattern FORMAT = Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})$");

  /** Thrown for a version this conductor does not serve; answered with 406. */
  public static final class UnsupportedVersionException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedVersionException(String message) {
      super(message);
    }
  }

  /**
   * The version a request asks for.
   *
   * @param header the header value, or null (meaning 1.1, the minimum)
   * @throws UnsupportedVersionException for garbage, another major version or a minor version
   *     outside the range
   */
  public static ApiVersion negotiate(String header) throws UnsupportedVersionException {
    if (header == null || header.isBlank()) {
      return MIN;
    }
    String value = header.strip();
    if (value.equalsIgnoreCase("latest")) {
      return MAX;
    }
    Matcher m = FORMAT.matcher(value);
    if (!m.matches()) {
      throw new UnsupportedVersionException(
          "Invalid value for "
              + HEADER
              + " header: "
              + value
              + ". Use a version like 1.78 or latest. The supported version range is: ["
              + MIN
              + ", "
              + MAX
              + "].");
    }
    ApiVersion v = new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    if (v.major != 1) {
      throw new UnsupportedVersionException(
          "Version "
              + v
              + " was requested but the major version is not supported by this service. The"
              + " supported version range is: ["
              + MIN
              + ", "
              + MAX
              + "].");
    }
    if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
      throw new UnsupportedVersionException(
          "Version "
              + v
              + " was requested but the minor version is not supported by this service. The"
              + " supported version range is: ["
              + MIN
              + ", "
              + MAX
              + "].");
    }
    return v;
  }

  /** Whether this version is 1.minor or newer. */
  public boolean atLeast(int minor) {
    return this.minor >= minor;
  }

  @Override
  public int compareTo(ApiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
