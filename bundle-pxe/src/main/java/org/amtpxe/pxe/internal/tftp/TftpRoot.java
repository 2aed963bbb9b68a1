package org.amtpxe.pxe.internal.tftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the file names clients ask for onto files under one directory, and refuses everything that
 * would leave it: {@code ..}, absolute paths elsewhere, and symbolic links pointing outside.
 */
final class TftpRoot {
  private static final Logger LOG = LoggerFactory.getLogger(TftpRoot.class);
  private final Path root;

  TftpRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /** Why a name cannot be served, with the TFTP error code to send. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Refused(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /**
   * Resolves a requested name to a regular file under the root.
   *
   * @param requested the name from the request, relative or absolute
   * @return the real path of the file
   * @throws Refused with {@link TftpPackets#ERR_NOT_FOUND} and "File not found", whatever the
   *     reason (missing, outside the root, a link leading out, unreadable): a client learns nothing
   *     about what exists outside what it may read. The reason is logged at debug level.
   */
  Path resolve(String requested) throws Refused {
    if (requested.isEmpty() || requested.indexOf('\0') >= 0) {
      throw notFound("Access violation: bad file name");
    }
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw notFound("File not found");
    }
    // NOTE: some Windows-built clients send backslashes; pxelinux and iPXE never do.
    String name = requested.replace('\\', '/');
    name = stripPrefix(name, root.toString());
    name = stripPrefix(name, realRoot.toString());
    while (name.startsWith("/")) {
      name = name.substring(1);
    }
    Path candidate;
    try {
      candidate = realRoot.resolve(name).normalize();
    } catch (InvalidPathException e) {
      throw notFound("Access violation: bad file name");
    }
    if (!candidate.startsWith(realRoot)) {
      throw notFound("Access violation: outside the TFTP root");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw notFound("File not found");
    } catch (IOException e) {
      throw notFound("Access violation");
    }
    if (!real.startsWith(realRoot)) {
      throw notFound("Access violation: link leads outside the root");
    }
    if (!Files.isRegularFile(real)) {
      throw notFound("File not found");
    }
    if (!Files.isReadable(real)) {
      throw notFound("Access violation: not readable");
    }
    return real;
  }

  private static Refused notFound(String reason) {
    LOG.debug("TFTP request refused: {}", reason);
    return new Refused(TftpPackets.ERR_NOT_FOUND, "File not found");
  }

  private static String stripPrefix(String name, String prefix) {
    if (name.startsWith(prefix + "/")) {
      return name.substring(prefix.length() + 1);
    }
    return name;
  }
}
