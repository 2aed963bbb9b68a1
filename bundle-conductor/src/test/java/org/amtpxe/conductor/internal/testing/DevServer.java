package org.amtpxe.conductor.internal.testing;

import java.util.concurrent.Executors;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;

/**
 * Starts the API with the fake driver on 127.0.0.1 for trying clients by hand:
 *
 * <pre>mvn -q -pl bundle-conductor test-compile exec:java ... (or run from an IDE) [port]</pre>
 */
public final class DevServer {
  private DevServer() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 6385;
    TestConductor c = new TestConductor(Executors.newFixedThreadPool(4));
    try (ApiServer server = new ApiServer("127.0.0.1", port, 16, new ApiHandler(c.service, null))) {
      System.out.println("listening on http://127.0.0.1:" + server.port());
      Thread.currentThread().join();
    }
  }
}
