package org.amtpxe.conductor.internal.auth;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Adds an API user to a credentials file from the command line, without Karaf:
 *
 * <pre>java -cp bundle-conductor.jar org.amtpxe.conductor.internal.auth.CredentialsTool \
 *     etc/amtpxe-users alice admin</pre>
 *
 * The password is read from the console without echo, or from the first line of standard input.
 */
public final class CredentialsTool {
  private CredentialsTool() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println(
          "usage: CredentialsTool <credentials file> <user> <roles: admin|member|reader,...>");
      System.exit(2);
    }
    char[] password;
    Console console = System.console();
    if (console != null) {
      password = console.readPassword("Password for %s: ", args[1]);
    } else {
      String line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      password = line == null ? new char[0] : line.toCharArray();
    }
    try {
      CredentialsFile.addUser(Path.of(args[0]), args[1], password, CredentialsFile.roles(args[2]));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
    System.out.println("User " + args[1] + " (" + args[2] + ") saved in " + args[0]);
  }
}
