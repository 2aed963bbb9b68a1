package org.amtpxe.conductor.internal.shell;

import java.nio.file.Path;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;

/**
 * {@code baremetal:user-add}: adds an API user (or changes its password) in a credentials file. The
 * password is read without echo.
 */
@Command(
    scope = "baremetal",
    name = "user-add",
    description =
        "Adds an API user with a PBKDF2-hashed password and its roles to a credentials file.")
@Service
public class UserAddCommand implements Action {
  @Reference Session session;

  @Argument(index = 0, name = "user", description = "User name", required = true)
  String user;

  @Option(
      name = "--file",
      description =
          "Credentials file (the conductor's auth_file); default ${karaf.etc}/amtpxe-users")
  String file;

  @Option(
      name = "--role",
      description =
          "Roles, comma-separated: admin (everything), member (power, boot device, provision,"
              + " maintenance, instance_info), reader (read only); default reader")
  String roles = "reader";

  @Override
  public Object execute() throws Exception {
    java.util.Set<org.amtpxe.conductor.internal.auth.Role> parsed = CredentialsFile.roles(roles);
    Path path =
        file != null
            ? Path.of(file)
            : Path.of(System.getProperty("karaf.etc", "etc"), "amtpxe-users");
    String first = session.readLine("Password for " + user + ": ", '*');
    String second = session.readLine("Again: ", '*');
    if (first == null || !first.equals(second)) {
      throw new IllegalArgumentException("The passwords differ; nothing was changed");
    }
    CredentialsFile.addUser(path, user, first.toCharArray(), parsed);
    System.out.println("User " + user + " (" + roles + ") saved in " + path);
    return null;
  }
}
