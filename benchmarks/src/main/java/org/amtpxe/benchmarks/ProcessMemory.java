package org.amtpxe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Resident memory from a Linux {@code /proc/<pid>/status} file. */
final class ProcessMemory {
  private ProcessMemory() {}

  /** VmRSS in bytes, empty where /proc is not available. */
  static Optional<Long> rss(Path status) throws IOException {
    return field(status, "VmRSS:");
  }

  /** VmHWM (peak resident) in bytes, empty where /proc is not available. */
  static Optional<Long> peak(Path status) throws IOException {
    return field(status, "VmHWM:");
  }

  private static Optional<Long> field(Path status, String name) throws IOException {
    if (!Files.isReadable(status)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith(name)) {
        String[] parts = line.substring(name.length()).trim().split("\\s+");
        return Optional.of(Long.parseLong(parts[0]) * 1024);
      }
    }
    return Optional.empty();
  }
}
