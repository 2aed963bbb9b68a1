package org.amtpxe.conductor.internal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.testing.TestConductor;

/**
 * The REST API with N nodes (default 500) on an H2 file database and the fake driver, served on
 * 127.0.0.1 until stdin closes, for an external load generator such as wrk. Not a unit test:
 *
 * <pre>java -cp ... org.amtpxe.conductor.internal.bench.RestServe [nodes] [port file]</pre>
 *
 * <p>Prints {@code port <p>} and {@code node <uuid>} (the first node, for node show), and writes
 * the port to the port file when one is given.
 */
public final class RestServe {
  private RestServe() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Path dir = Files.createTempDirectory("amtpxe-serve");
    ExecutorService workers = Executors.newFixedThreadPool(16);
    try (TestConductor c =
            new TestConductor(
                "jdbc:h2:file:" + dir.resolve("conductor") + ";DB_CLOSE_ON_EXIT=FALSE", workers);
        ApiServer server = new ApiServer("127.0.0.1", 0, 32, new ApiHandler(c.service, null))) {
      String first = null;
      for (int i = 0; i < nodes; i++) {
        Node n =
            c.service
                .nodes()
                .createNode(
                    Node.builder(UUID.randomUUID().toString(), "fake")
                        .name("bench-" + i)
                        .driverInfo(
                            Map.of(
                                "fake_address",
                                "10.0." + (i / 250) + "." + (i % 250),
                                "fake_password",
                                "pw"))
                        .properties(Map.of("cpus", 4, "memory_mb", 8192))
                        .extra(Map.of("rack", "r" + (i % 8)))
                        .build());
        if (first == null) {
          first = n.uuid();
        }
      }
      System.out.println("port " + server.port());
      System.out.println("node " + first);
      if (args.length > 1) {
        Files.writeString(Path.of(args[1]), server.port() + " " + first + "\n");
      }
      while (System.in.read() >= 0) {
        // serve until stdin closes
      }
    } finally {
      workers.shutdownNow();
    }
    System.exit(0);
  }
}
