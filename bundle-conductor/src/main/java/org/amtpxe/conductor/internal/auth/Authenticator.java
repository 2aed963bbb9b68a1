package org.amtpxe.conductor.internal.auth;

import java.util.Optional;

/** Checks a user name and password. */
@FunctionalInterface
public interface Authenticator {
  /**
   * @param user the user name
   * @param password the password; the implementation may clear it
   * @return the caller with its roles, or empty when the credentials are not valid
   */
  Optional<Caller> authenticate(String user, char[] password);
}
