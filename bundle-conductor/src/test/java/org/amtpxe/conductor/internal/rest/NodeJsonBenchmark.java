package org.amtpxe.conductor.internal.rest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.amtpxe.api.model.Node;
import org.amtpxe.conductor.internal.cluster.Ownership;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.testing.TestConductor;

/**
 * CPU time of the parts of node detail and node show, on one thread, in the same JVM (the machine
 * is shared, so CPU time rather than wall time). Not a unit test:
 *
 * <pre>java -cp ... org.amtpxe.conductor.internal.rest.NodeJsonBenchmark [nodes] [seconds]</pre>
 */
public final class NodeJsonBenchmark {
  private NodeJsonBenchmark() {}

  interface Op {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Path dir = Files.createTempDirectory("amtpxe-json-bench");
    try (TestConductor c =
        new TestConductor(
            "jdbc:h2:file:" + dir.resolve("conductor") + ";DB_CLOSE_ON_EXIT=FALSE",
            Executors.newSingleThreadExecutor())) {
      for (int i = 0; i < count; i++) {
        c.service
            .nodes()
            .createNode(
                Node.builder(UUID.randomUUID().toString(), "fake")
                    .name("bench-" + i)
                    .driverInfo(
                        Map.of("fake_address", "10.0.0." + (i % 250), "fake_password", "pw"))
                    .properties(Map.of("cpus", 4, "memory_mb", 8192))
                    .extra(Map.of("rack", "r" + (i % 8)))
                    .build());
      }
      List<Node> nodes = c.service.nodes().nodes(NodeQuery.all());
      Node one = nodes.get(0);
      ApiVersion v = new ApiVersion(1, 31);
      String base = "http://127.0.0.1:6385";
      ApiRequest req = new ApiRequest("GET", List.of("nodes"), Map.of(), v, "", base, "127.0.0.1");
      for (int round = 0; round < 2; round++) {
        measure(
            "render detail (" + count + " nodes)",
            seconds,
            () -> {
              JsonOutput out =
                  JsonOutput.render(
                      Paging.pageBody(
                          "nodes",
                          true,
                          nodes,
                          1000,
                          req,
                          Node::uuid,
                          (g, n) -> NodeJson.write(g, n, v, base, Ownership.solo("h"), null)));
              out.release();
            });
        measure(
            "store: list " + count + " nodes",
            seconds,
            () -> c.service.nodes().nodes(NodeQuery.all()));
        measure(
            "render show",
            seconds,
            () ->
                JsonOutput.render(NodeJson.body(one, v, base, Ownership.solo("h"), null))
                    .release());
        measure("store: one node", seconds, () -> c.service.nodes().node(one.uuid()));
      }
    }
    System.exit(0);
  }

  static void measure(String name, double seconds, Op op) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long until = System.nanoTime() + (long) (seconds * 1e9 / 2);
    while (System.nanoTime() < until) {
      op.run();
    }
    long ops = 0;
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) mx;
    long bytes0 = alloc.getCurrentThreadAllocatedBytes();
    long cpu0 = mx.getCurrentThreadCpuTime();
    until = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < until) {
      op.run();
      ops++;
    }
    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
    long bytes = alloc.getCurrentThreadAllocatedBytes() - bytes0;
    System.out.printf(
        "%-32s %10.1f us CPU/op %10.1f KiB allocated/op (%d ops)%n",
        name, cpu / 1e3 / ops, bytes / 1024.0 / ops, ops);
  }
}
