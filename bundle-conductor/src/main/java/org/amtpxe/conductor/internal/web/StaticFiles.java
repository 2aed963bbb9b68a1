package org.amtpxe.conductor.internal.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The page's files, read once from the bundle into memory under a fixed list of names. A request
 * names a file by exact lookup in that list, so no path can reach anything else: there is no file
 * system behind it, no directory to list, nothing to traverse.
 */
final class StaticFiles {
  /**
   * One file.
   *
   * @param type its Content-Type
   * @param etag a strong validator (a hash of the bytes)
   */
  record File(String name, byte[] bytes, String type, String etag) {}

  /** Every file served, by the name after {@code /ui/}. */
  static final List<String> NAMES =
      List.of(
          "index.html",
          "login.html",
          "app.css",
          "favicon.svg",
          "js/api.js",
          "js/app.js",
          "js/boots.js",
          "js/dialog.js",
          "js/fleet.js",
          "js/login.js",
          "js/node.js",
          "js/stream.js",
          "js/terminal.js",
          // From the npm registry at build time (src/main/npm, docs/web-ui.md#front-end-parts).
          "vendor/xterm/xterm.mjs",
          "vendor/xterm/xterm.css",
          "vendor/xterm/LICENSE");

  private final Map<String, File> files = new LinkedHashMap<>();

  /**
   * Reads every file.
   *
   * @throws UncheckedIOException when one is missing from the bundle (a build error)
   */
  StaticFiles() {
    for (String name : NAMES) {
      try (InputStream in = StaticFiles.class.getResourceAsStream("static/" + name)) {
        if (in == null) {
          throw new UncheckedIOException(
              new IOException(
                  "The web page's file static/" + name + " is missing from the bundle"));
        }
        byte[] bytes = in.readAllBytes();
        files.put(name, new File(name, bytes, type(name), etag(bytes)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The file of that exact name, if it is one of {@link #NAMES}. */
  Optional<File> get(String name) {
    return Optional.ofNullable(files.get(name));
  }

  static String type(String name) {
    if (name.endsWith("/LICENSE")) {
      return "text/plain;charset=utf-8";
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> "text/html;charset=utf-8";
      case "css" -> "text/css;charset=utf-8";
      case "js", "mjs" -> "text/javascript;charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> "application/octet-stream";
    };
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
