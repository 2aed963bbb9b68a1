package org.amtpxe.conductor.internal.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.auth.CachingAuthenticator;
import org.amtpxe.conductor.internal.auth.CredentialsLoginModule;
import org.amtpxe.conductor.internal.auth.JaasAuthenticator;

/** The conductor's JAAS realm over a credentials file, as the conductor defines it, for tests. */
public final class TestRealm {
  private TestRealm() {}

  /** A JAAS configuration that defines realm {@code name} over the credentials file. */
  public static Configuration configuration(String name, Path file) {
    return new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String requested) {
        if (!requested.equals(name)) {
          return null;
        }
        return new AppConfigurationEntry[] {
          new AppConfigurationEntry(
              CredentialsLoginModule.class.getName(),
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
              Map.of(CredentialsLoginModule.FILE, file.toString()))
        };
      }
    };
  }

  /** What the API uses: the realm behind the credential cache. */
  public static Authenticator authenticator(Path file) {
    return new CachingAuthenticator(
        new JaasAuthenticator("amtpxe", configuration("amtpxe", file)), Duration.ofSeconds(60));
  }
}
