package org.amtpxe.conductor.internal.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Executors;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.auth.Role;

/**
 * The web page over the fake driver on 127.0.0.1, for trying it by hand: {@code [port] [nodes]
 * [auth]}; with {@code auth}, users admin/admin-pw, member/member-pw and reader/reader-pw.
 */
public final class WebDevServer {
  private WebDevServer() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    boolean auth = args.length > 2 && args[2].equals("auth");
    TestConductor c = new TestConductor(Executors.newFixedThreadPool(4));
    for (int i = 1; i <= nodes; i++) {
      c.enroll("dev-" + i);
    }
    Path users = Files.createTempDirectory("webdev").resolve("users");
    CredentialsFile.addUser(users, "admin", "admin-pw".toCharArray(), Set.of(Role.ADMIN));
    CredentialsFile.addUser(users, "member", "member-pw".toCharArray(), Set.of(Role.MEMBER));
    CredentialsFile.addUser(users, "reader", "reader-pw".toCharArray(), Set.of(Role.READER));
    try (WebStack web = new WebStack(c, auth ? TestRealm.authenticator(users) : null)) {
      System.out.println("web page on " + web.base + "/ui/");
      Thread.currentThread().join();
    }
  }
}
