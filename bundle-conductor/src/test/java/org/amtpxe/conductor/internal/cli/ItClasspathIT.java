package org.amtpxe.conductor.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.conductor.internal.service.Conductor;
import org.junit.jupiter.api.Test;

/**
 * The ITs load their classes from private copies made right before they run (see pom.xml), never
 * from jars that another build on the same tree may overwrite in place while they run: that turned
 * BaremetalCliIT's {@code boot device show} into a bare HTTP 500 and left its deploy in
 * "deploying".
 */
class ItClasspathIT {

  private static Path origin(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theConductorsClassesComeFromTheItCopy() throws Exception {
    assertThat(origin(Conductor.class)).endsWith(Path.of("target", "it", "classes"));
  }

  @Test
  void theTestClassesComeFromTheItCopy() throws Exception {
    assertThat(origin(ItClasspathIT.class)).endsWith(Path.of("target", "it", "test-classes"));
  }

  @Test
  void theApiClassesFirstUsedLateInACliRunComeFromTheItCopy() throws Exception {
    assertThat(origin(BootDeviceSetting.class))
        .endsWith(Path.of("target", "it", "lib", "bundle-api.jar"));
    assertThat(origin(DeployState.class)).isEqualTo(origin(BootDeviceSetting.class));
  }
}
