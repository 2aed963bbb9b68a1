package org.amtpxe.conductor.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * API users with salted PBKDF2 password hashes and their roles, one per line:
 *
 * <pre>user:pbkdf2-sha256:iterations:base64(salt):base64(hash):role[,role...]</pre>
 *
 * Roles are {@link Role} names; a line without them (written by version 1.0, when every user could
 * do everything) is an admin. Lines starting with # are comments. The file is re-read when it
 * changes, so users can be added while the conductor runs ({@code baremetal:user-add} or {@link
 * CredentialsTool}). The conductor reads it through the JAAS realm {@code amtpxe} ({@link
 * CredentialsLoginModule}).
 */
public final class CredentialsFile implements Authenticator {
  static final String SCHEME = "pbkdf2-sha256";
  static final int ITERATIONS = 210_000;
  private static final Pattern USER = Pattern.compile("^[A-Za-z0-9._@-]{1,64}$");

  private record Entry(int iterations, byte[] salt, byte[] hash, Set<Role> roles) {}

  private final Path file;
  private volatile Map<String, Entry> entries = Map.of();
  private volatile long loadedModified = -1;
  private volatile long loadedSize = -1;

  public CredentialsFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /**
   * Reads the file now.
   *
   * @throws IOException when it cannot be read or a line is malformed (the message names the line,
   *     never a hash)
   */
  public synchronized void load() throws IOException {
    long modified = Files.getLastModifiedTime(file).toMillis();
    long size = Files.size(file);
    Map<String, Entry> read = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(":");
      try {
        if (parts.length < 5 || parts.length > 6 || !parts[1].equals(SCHEME)) {
          throw new IllegalArgumentException(
              "expected user:" + SCHEME + ":iterations:salt:hash:roles");
        }
        read.put(
            parts[0],
            new Entry(
                Integer.parseInt(parts[2]),
                Base64.getDecoder().decode(parts[3]),
                Base64.getDecoder().decode(parts[4]),
                parts.length == 6 ? roles(parts[5]) : Set.of(Role.ADMIN)));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "Credentials file " + file + " line " + (i + 1) + " is malformed: " + e.getMessage());
      }
    }
    entries = read;
    loadedModified = modified;
    loadedSize = size;
  }

  private void reloadIfChanged() {
    try {
      if (Files.getLastModifiedTime(file).toMillis() != loadedModified
          || Files.size(file) != loadedSize) {
        load();
      }
    } catch (IOException e) {
      // Keep the users already loaded; the file is being rewritten or was removed.
    }
  }

  @Override
  public Optional<Caller> authenticate(String user, char[] password) {
    reloadIfChanged();
    Entry entry = entries.get(user);
    try {
      if (entry == null) {
        // Spend the same time as for a real user, so user names cannot be probed by timing.
        hash(password, new byte[16], ITERATIONS);
        return Optional.empty();
      }
      return MessageDigest.isEqual(entry.hash(), hash(password, entry.salt(), entry.iterations()))
          ? Optional.of(new Caller(user, entry.roles()))
          : Optional.empty();
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /**
   * Roles from their comma-separated names.
   *
   * @throws IllegalArgumentException naming an unknown role and the known ones
   */
  public static Set<Role> roles(String names) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names.split(",")) {
      if (!name.isBlank()) {
        roles.add(
            Role.of(name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "unknown role '" + name.strip() + "'; use admin, member or reader")));
      }
    }
    return roles;
  }

  /** The user names in the file. */
  public List<String> users() {
    reloadIfChanged();
    return new ArrayList<>(entries.keySet());
  }

  /**
   * Adds a user or replaces its password, writing the file atomically with owner-only permissions.
   *
   * @throws IllegalArgumentException for a bad user name or an empty password
   * @throws IOException when the file cannot be written
   */
  public static void addUser(Path file, String user, char[] password, Set<Role> roles)
      throws IOException {
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "User names are 1 to 64 letters, digits, or . _ @ -: " + user);
    }
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("The password must not be empty");
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("Give the user a role: admin, member or reader");
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    String line =
        user
            + ":"
            + SCHEME
            + ":"
            + ITERATIONS
            + ":"
            + Base64.getEncoder().encodeToString(salt)
            + ":"
            + Base64.getEncoder().encodeToString(hash(password, salt, ITERATIONS))
            + ":"
            + String.join(",", roles.stream().sorted().map(Role::value).toList());
    List<String> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!l.startsWith(user + ":")) {
          lines.add(l);
        }
      }
    } else {
      lines.add("# amtpxe conductor API users: user:" + SCHEME + ":iterations:salt:hash:roles");
    }
    lines.add(line);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".credentials", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the directory's permissions apply.
    }
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static byte[] hash(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }
}
