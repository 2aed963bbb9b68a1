package org.amtpxe.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A log file read from a mark on: the lines written since, and waits for one. */
public final class LogFile {
  private final Path file;

  public LogFile(Path file) {
    this.file = file;
  }

  /** Karaf's log, {@code ${karaf.data}/log/karaf.log}, of the Karaf this code runs in. */
  public static LogFile karaf() {
    return new LogFile(Path.of(System.getProperty("karaf.data"), "log", "karaf.log"));
  }

  /** The current end of the file, to read from later. */
  public long mark() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines written after the mark. */
  public List<String> linesSince(long mark) {
    try {
      byte[] all = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
      // A rotated file is shorter than the mark: read it whole.
      int from = mark > all.length ? 0 : (int) mark;
      return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first line written after the mark that contains every one of the texts. */
  public Optional<String> find(long mark, String... texts) {
    return linesSince(mark).stream()
        .filter(l -> java.util.Arrays.stream(texts).allMatch(l::contains))
        .findFirst();
  }

  /** Waits for a line written after the mark that contains every one of the texts. */
  public String await(long mark, Duration timeout, String... texts) {
    return Poll.until(
            "a line with " + List.of(texts) + " in " + file,
            timeout,
            () -> find(mark, texts),
            Optional::isPresent)
        .orElseThrow();
  }
}
