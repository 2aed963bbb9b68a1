package org.amtpxe.conductor.internal.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What an API user may do, after Ironic's system-scoped personas: {@code admin} everything, {@code
 * member} operate nodes (power, boot device, provision, maintenance, instance_info), {@code reader}
 * look only.
 */
public enum Role {
  READER,
  MEMBER,
  ADMIN;

  /** The role's name as a JAAS role principal carries it. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role includes everything {@code other} may do. */
  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  /** The role a JAAS role name stands for (admin, member, reader; any case), if any. */
  public static Optional<Role> of(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "admin" -> Optional.of(ADMIN);
      case "member" -> Optional.of(MEMBER);
      case "reader" -> Optional.of(READER);
      default -> Optional.empty();
    };
  }
}
