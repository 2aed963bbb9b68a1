package org.amtpxe.pxe.internal.tftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Maps the file names clients ask for onto files under one directory, and refuses everything that
 * would leave it: {@code ..}, absolute paths elsewhere, and symbolic links pointing outside.
 */
final class TftpRoot {
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
   * @throws Refused with {@link TftpPackets#ERR_NOT_FOUND} or {@link TftpPackets#ERR_ACCESS}
   */
  Path resolve(String requested) throws Refused {
    if (requested.isEmpty() || requested.indexOf('\0') >= 0) {
      throw new Refused(TftpPackets.ERR_ACCESS, "Access violation: bad file name");
    }
    Path realRoot;
    try {
      realRoot = root.toRealPath();
    } catch (IOException e) {
      throw new Refused(TftpPackets.ERR_NOT_FOUND, "File not found");
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
      throw new Refused(TftpPackets.ERR_ACCESS, "Access violation: bad file name");
    }
    if (!candidate.startsWith(realRoot)) {
      throw new Refused(TftpPackets.ERR_ACCESS, "Access violation: outside the TFTP root");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new Refused(TftpPackets.ERR_NOT_FOUND, "File not found");
    } catch (IOException e) {
      throw new Refused(TftpPackets.ERR_ACCESS, "Access violation");
    }
    if (!real.startsWith(realRoot)) {
      throw new Refused(TftpPackets.ERR_ACCESS, "Access violation: link leads outside the root");
    }
    if (!Files.isRegularFile(real)) {
      throw new Refused(TftpPackets.ERR_NOT_FOUND, "File not found");
    }
    if (!Files.isReadable(real)) {
      throw new Refused(TftpPackets.ERR_ACCESS, "Access violation: not readable");
    }
    return real;
  }

  private static String stripPrefix(String name, String prefix) {
    if (name.startsWith(prefix + "/")) {
      return name.substring(prefix.length() + 1);
    }
    return name;
  }
}
