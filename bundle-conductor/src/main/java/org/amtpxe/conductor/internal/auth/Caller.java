package org.amtpxe.conductor.internal.auth;

import java.util.Set;

/**
 * An authenticated API user.
 *
 * @param user the user name
 * @param roles its roles among {@link Role}; may be empty (it may then do nothing)
 */
public record Caller(String user, Set<Role> roles) {
  public Caller {
    roles = Set.copyOf(roles);
  }

  /** Whether one of the caller's roles includes {@code needed}. */
  public boolean may(Role needed) {
    return roles.stream().anyMatch(r -> r.includes(needed));
  }
}
