package org.amtpxe.pxe.internal.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.pxe.internal.config.BootMode;

/**
 * Writes and removes a node's boot configuration. Every file is written beside its final name and
 * renamed over it, so a client never reads half a file and a hard-linked file is never rewritten in
 * place.
 */
public final class BootConfigWriter {

  /**
   * Writes the node's configuration files and points each MAC at them.
   *
   * @param layout where the node's files go
   * @param config what to boot
   * @param macs the node's PXE-enabled MACs
   * @throws IOException when a file or link cannot be written
   */
  public void write(BootLayout layout, BootConfig config, List<MacAddress> macs)
      throws IOException {
    if (config.bootMode() == BootMode.BIOS) {
      replace(layout.pxelinuxConfig(), BootTemplates.pxelinux(config));
      for (MacAddress mac : macs) {
        link(layout.pxelinuxMacLink(mac), layout.relativeTarget(BootLayout.PXELINUX_CONFIG));
      }
    } else {
      // NOTE: UEFI nodes boot snponly.efi (iPXE), never pxelinux; a stale pxelinux entry from a
      // BIOS deploy would only confuse.
      for (MacAddress mac : macs) {
        Files.deleteIfExists(layout.pxelinuxMacLink(mac));
      }
      Files.deleteIfExists(layout.pxelinuxConfig());
    }
    replace(layout.ipxeConfig(), BootTemplates.ipxe(config));
    for (MacAddress mac : macs) {
      link(layout.ipxeMacLink(mac), layout.relativeTarget(BootLayout.IPXE_CONFIG));
    }
  }

  /**
   * Removes the node's configuration files and every per-MAC link that points at them, whether or
   * not the MAC is still one of the node's ports.
   *
   * @return what could not be removed, empty when everything went
   */
  public List<String> removeConfig(BootLayout layout) {
    List<String> failures = new ArrayList<>();
    removeLinksTo(layout.tftpRoot(), layout.nodeUuid(), failures);
    if (!layout.httpRoot().equals(layout.tftpRoot())) {
      removeLinksTo(layout.httpRoot(), layout.nodeUuid(), failures);
    }
    for (Path p : List.of(layout.pxelinuxConfig(), layout.ipxeConfig())) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        failures.add(p + ": " + e);
      }
    }
    return failures;
  }

  /**
   * Removes the node's configuration, links and folders (with the hard links to cached images).
   *
   * @return what could not be removed, empty when everything went
   */
  public List<String> removeAll(BootLayout layout) {
    List<String> failures = removeConfig(layout);
    deleteTree(layout.tftpNodeDir(), failures);
    deleteTree(layout.httpNodeDir(), failures);
    return failures;
  }

  /** Writes {@code boot.ipxe} into the HTTP root. */
  public void writeBootScript(Path httpRoot) throws IOException {
    replace(httpRoot.resolve("boot.ipxe"), BootTemplates.bootScript());
  }

  /** Writes a file by renaming a complete temporary file over it. */
  static void replace(Path target, String content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID());
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Points a symbolic link at a relative target, replacing whatever was there atomically. */
  static void link(Path link, Path relativeTarget) throws IOException {
    Files.createDirectories(link.getParent());
    Path temp = link.resolveSibling("." + link.getFileName() + "." + UUID.randomUUID());
    try {
      Files.createSymbolicLink(temp, relativeTarget);
      Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void removeLinksTo(Path root, String nodeUuid, List<String> failures) {
    Path macDir = root.resolve(BootLayout.MAC_DIR);
    Path nodeDir = Path.of("..", nodeUuid);
    try (DirectoryStream<Path> links = Files.newDirectoryStream(macDir)) {
      for (Path link : links) {
        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).startsWith(nodeDir)) {
          try {
            Files.deleteIfExists(link);
          } catch (IOException e) {
            failures.add(link + ": " + e);
          }
        }
      }
    } catch (NoSuchFileException e) {
      // no links at all
    } catch (IOException e) {
      failures.add(macDir + ": " + e);
    }
  }

  private static void deleteTree(Path dir, List<String> failures) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      failures.add(dir + ": " + e);
    }
  }
}
