package org.amtpxe.pxe.internal.cache;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where an image comes from and, when known, the checksum it must have.
 *
 * @param href an http(s) URL, a file: URI or an absolute path
 * @param algorithm {@code sha256} or {@code md5}, or null when no checksum is known
 * @param checksum the expected digest in lower-case hex, or null
 */
public record ImageSource(String href, String algorithm, String checksum) {
  public ImageSource {
    Objects.requireNonNull(href, "href");
    if ((algorithm == null) != (checksum == null)) {
      throw new IllegalArgumentException("algorithm and checksum come together");
    }
    if (checksum != null) {
      checksum = checksum.toLowerCase(Locale.ROOT);
    }
  }

  /** An image without a checksum. */
  public static ImageSource unverified(String href) {
    return new ImageSource(href, null, null);
  }

  /**
   * The href without user info, query and fragment, for logs and messages (they may carry tokens).
   */
  public String redactedHref() {
    if (href.startsWith("/")) {
      return href;
    }
    try {
      URI uri = new URI(href);
      String rest =
          (uri.getRawQuery() == null ? "" : "?…") + (uri.getRawFragment() == null ? "" : "#…");
      if (uri.getScheme() == null || uri.isOpaque()) {
        return uri.getScheme() == null ? "(relative href)" : uri.getScheme() + ":…";
      }
      if (uri.getRawAuthority() == null) {
        return uri.getScheme() + ":" + uri.getRawPath() + rest;
      }
      return uri.getScheme()
          + "://"
          + (uri.getHost() == null ? "(no host)" : uri.getHost())
          + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
          + (uri.getRawPath() == null ? "" : uri.getRawPath())
          + rest;
    } catch (java.net.URISyntaxException e) {
      return "(unparseable href)";
    }
  }
}
