package org.amtpxe.conductor.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void theH2DatabaseWithItsAmtPasswordsIsReadableByTheServiceUserOnly() throws Exception {
    Path db = dir.resolve("data/amtpxe/conductor");
    try (Database database =
        Database.open("jdbc:h2:file:" + db + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", 2)) {
      new SchemaMigrator(database).migrate();
    }
    assertThat(perms(db.getParent())).isEqualTo("rwx------");
    try (var files = Files.list(db.getParent())) {
      files.forEach(
          f ->
              assertThat(perms(f))
                  .as(f + ": owner access only, whatever the umask gave it")
                  .isEqualTo("rw-------"));
    }
    // Opening it again tightens what an earlier version left readable.
    try (Database again = Database.open("jdbc:h2:file:" + db, "sa", "", 2)) {
      again.inTransaction(c -> null);
    }
    try (var files = Files.list(db.getParent())) {
      files.forEach(f -> assertThat(perms(f)).as(f.toString()).isEqualTo("rw-------"));
    }
  }

  @Test
  void onlyFileUrlsHaveADirectory() {
    assertThat(PrivateFiles.h2Directory("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isEmpty();
    assertThat(PrivateFiles.h2Directory("jdbc:h2:tcp://db/x")).isEmpty();
    assertThat(PrivateFiles.h2Directory("jdbc:postgresql://db/x")).isEmpty();
    assertThat(PrivateFiles.h2Directory("jdbc:h2:file:/srv/amtpxe/conductor;WRITE_DELAY=0"))
        .contains(Path.of("/srv/amtpxe"));
    assertThat(PrivateFiles.h2Directory("jdbc:h2:/srv/db/c")).contains(Path.of("/srv/db"));
  }

  private static String perms(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
