package org.amtpxe.conductor.internal.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps files that hold secrets (the H2 database holds every AMT password) readable by the service
 * user only: their directory is made owner-only (0700) before anything is created in it, so that
 * whatever the process umask gives the files themselves, nobody else can reach them, and existing
 * files are made 0600.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /**
   * Creates the directory when missing and makes it and the files directly in it owner-only.
   *
   * @throws IOException when the directory cannot be created or its permissions set
   */
  public static void directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, DIRECTORY);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(f, FILE);
          }
        }
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its own access control applies.
    }
  }

  /**
   * The directory of an H2 file database URL ({@code jdbc:h2:file:/x/y;...} or {@code
   * jdbc:h2:/x/y}); empty for in-memory and server URLs.
   */
  public static Optional<Path> h2Directory(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("jdbc:h2:")) {
      return Optional.empty();
    }
    String rest = url.substring("jdbc:h2:".length());
    int semicolon = rest.indexOf(';');
    if (semicolon >= 0) {
      rest = rest.substring(0, semicolon);
    }
    String l = rest.toLowerCase(Locale.ROOT);
    if (l.startsWith("mem:") || l.startsWith("tcp:") || l.startsWith("ssl:")) {
      return Optional.empty();
    }
    if (l.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    if (rest.startsWith("~")) {
      rest = System.getProperty("user.home") + rest.substring(1);
    }
    Path parent = Path.of(rest).toAbsolutePath().getParent();
    return Optional.ofNullable(parent);
  }
}
