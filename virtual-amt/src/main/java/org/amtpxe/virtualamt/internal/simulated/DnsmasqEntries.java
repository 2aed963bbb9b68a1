package org.amtpxe.virtualamt.internal.simulated;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The DHCP answer iPXE would get for one MAC from a dnsmasq that reads these {@code
 * --dhcp-hostsdir} and {@code --dhcp-optsdir} folders (the entries the conductors write, {@code
 * dhcp_hostsdir}/{@code dhcp_optsdir} in bundle-pxe's README): the tags the host files set for the
 * MAC, then the {@code bootfile-name} (option 67) the options files give iPXE with one of those
 * tags. Only what the simulated firmware needs is understood; other lines are skipped as dnsmasq
 * would apply them to other clients.
 *
 * @param hostsDir the hosts folder
 * @param optsDir the options folder
 */
public record DnsmasqEntries(Path hostsDir, Path optsDir) {
  // NOTE: the folders are written by other processes: every file is read with a bound, and at
  // most this many files per folder, so a full folder cannot stall or exhaust a boot.
  private static final int MAX_FILE = 64 * 1024;
  private static final int MAX_FILES = 10_000;

  /**
   * The boot file URL dnsmasq would hand this MAC's iPXE.
   *
   * @param mac lower case with colons
   * @return the URL, or empty when no entry names the MAC or its tags get no boot file
   * @throws IOException when a folder cannot be read
   */
  public Optional<URI> ipxeBootFile(String mac) throws IOException {
    Set<String> tags = new HashSet<>();
    for (String line : lines(hostsDir)) {
      String[] fields = line.split(",");
      if (fields.length > 1 && fields[0].trim().toLowerCase(Locale.ROOT).equals(mac)) {
        for (String f : fields) {
          if (f.trim().startsWith("set:")) {
            tags.add(f.trim().substring(4));
          }
        }
      }
    }
    if (tags.isEmpty()) {
      return Optional.empty();
    }
    for (String line : lines(optsDir)) {
      List<String> lineTags = new ArrayList<>();
      String[] fields = line.split(",", -1);
      int i = 0;
      while (i < fields.length && fields[i].trim().startsWith("tag:")) {
        lineTags.add(fields[i].trim().substring(4));
        i++;
      }
      if (i + 1 >= fields.length) {
        continue;
      }
      String option = fields[i].trim();
      boolean bootFile = option.equals("option:bootfile-name") || option.equals("67");
      // A line for this host: one of its tags, and every other tag satisfied by iPXE.
      boolean matches =
          lineTags.stream().anyMatch(tags::contains)
              && lineTags.stream().allMatch(t -> satisfied(t, tags));
      if (bootFile && matches) {
        try {
          return Optional.of(new URI(fields[i + 1].trim()));
        } catch (java.net.URISyntaxException e) {
          throw new IOException("bad bootfile-name in " + optsDir + ": " + e.getMessage());
        }
      }
    }
    return Optional.empty();
  }

  /** Whether a tag of an option line holds for this host's iPXE ("ipxe" is set for it). */
  private static boolean satisfied(String tag, Set<String> tags) {
    if (tag.equals("ipxe")) {
      return true;
    }
    if (tag.startsWith("!")) {
      return !tag.equals("!ipxe") && !tags.contains(tag.substring(1));
    }
    return tags.contains(tag);
  }

  /** The lines of every file in a folder but dot files and editor backups, comments dropped. */
  private static List<String> lines(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    int files = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path f : entries) {
        String name = f.getFileName().toString();
        if (name.startsWith(".") || name.endsWith("~") || !Files.isRegularFile(f)) {
          continue;
        }
        if (++files > MAX_FILES) {
          throw new IOException(dir + " holds more than " + MAX_FILES + " files");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(f)) {
          bytes = in.readNBytes(MAX_FILE);
        } catch (NoSuchFileException e) {
          continue; // replaced meanwhile
        }
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
          String l = line.strip();
          if (!l.isEmpty() && !l.startsWith("#")) {
            lines.add(l);
          }
        }
      }
    } catch (NoSuchFileException e) {
      return lines;
    }
    return lines;
  }
}
