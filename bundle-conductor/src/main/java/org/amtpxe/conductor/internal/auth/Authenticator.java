package org.amtpxe.conductor.internal.auth;

/** Checks a user name and password. */
@FunctionalInterface
public interface Authenticator {
  /**
   * @param user the user name
   * @param password the password; the implementation may clear it
   * @return true when the credentials are valid
   */
  boolean authenticate(String user, char[] password);
}
