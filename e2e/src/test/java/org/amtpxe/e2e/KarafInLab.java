package org.amtpxe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Our Karaf distribution, copied from distribution/target/assembly, configured through its
 * etc/*.cfg files like an operator would, and run inside the lab's namespace.
 */
final class KarafInLab {
  private final Lab lab;
  final Path home;
  private Process process;

  KarafInLab(Lab lab, Path home) {
    this.lab = lab;
    this.home = home;
  }

  /** Copies the distribution (a fresh copy: no state from an earlier run). */
  void install(Path distribution) throws IOException {
    if (!Files.isExecutable(distribution.resolve("bin/karaf"))) {
      throw new IllegalStateException(
          "No Karaf distribution in "
              + distribution
              + ": build it first (mvn -B install -DskipTests -pl distribution -am)");
    }
    deleteTree(home);
    copyTree(distribution, home);
  }

  /** Sets one key of etc/{pid}.cfg, keeping the rest of the file. */
  void set(String pid, String key, String value) throws IOException {
    set(home, pid, key, value);
  }

  /** Sets one key of etc/{pid}.cfg of the Karaf in {@code home}, keeping the rest of the file. */
  static void set(Path home, String pid, String key, String value) throws IOException {
    Path file = home.resolve("etc/" + pid + ".cfg");
    List<String> lines = Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
    Pattern line = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
    List<String> out = new ArrayList<>();
    boolean replaced = false;
    boolean continuation = false;
    for (String l : lines) {
      if (continuation) {
        continuation = l.endsWith("\\");
        continue;
      }
      if (line.matcher(l).matches()) {
        if (!replaced) {
          out.add(key + " = " + value);
          replaced = true;
        }
        continuation = l.endsWith("\\");
      } else {
        out.add(l);
      }
    }
    if (!replaced) {
      out.add(key + " = " + value);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, out);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Starts {@code bin/karaf server} in the namespace; output in data/karaf-console.log. */
  void start() throws IOException {
    Files.createDirectories(home.resolve("data"));
    process =
        lab.start(
            home.resolve("karaf-console.log"),
            Map.of("JAVA_MAX_MEM", "768m"),
            List.of(home.resolve("bin/karaf").toString(), "server"));
  }

  /** True while the Karaf process runs. */
  boolean running() {
    return process != null && process.isAlive();
  }

  /** The last lines of Karaf's log, for failure messages. */
  String logTail(int lines) {
    Path log = home.resolve("data/log/karaf.log");
    try (Stream<String> all = Files.lines(log)) {
      List<String> list = all.toList();
      return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no " + log + ")";
    }
  }

  /** Waits until {@code file}'s modification time is after {@code since}. */
  static void awaitModifiedAfter(Path file, FileTime since, Duration timeout)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)
          && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).compareTo(since) > 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(file + " was not rewritten within " + timeout);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
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
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                file,
                to.resolve(from.relativize(file).toString()),
                StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
