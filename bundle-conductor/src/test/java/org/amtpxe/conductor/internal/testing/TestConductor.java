package org.amtpxe.conductor.internal.testing;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.Port;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.amtpxe.conductor.internal.task.Workers;

/** A conductor on an in-memory H2 database with a {@link FakeDriver} named {@code fake}. */
public final class TestConductor implements AutoCloseable {
  public static final String HOST = "test-conductor";

  public final Database database;
  public final MutableClock clock = new MutableClock();
  public final StoreProbe store;
  public final DriverRegistry registry = new DriverRegistry();
  public final FakeDriver driver = new FakeDriver("fake");
  public final TaskManager tasks;
  public final Conductor service;

  public TestConductor(Executor workers) {
    this("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", workers);
  }

  public TestConductor(String url, Executor workers) {
    this(url, "sa", "", workers);
  }

  public TestConductor(String url, String user, String password, Executor workers) {
    database = Database.open(url, user, password, 8);
    new SchemaMigrator(database).migrate();
    store = new StoreProbe(database, clock);
    load(driver);
    service =
        Conductor.create(new Store(database, clock), HOST, registry, Workers.unbounded(workers));
    tasks = service.tasks();
  }

  public void load(BareMetalDriver d) {
    registry.addDriver(d, Map.of(BareMetalDriver.NAME_PROPERTY, d.name()));
  }

  public void unload(BareMetalDriver d) {
    registry.removeDriver(d, Map.of(BareMetalDriver.NAME_PROPERTY, d.name()));
  }

  /** Enrolls a node of the fake driver with a valid driver_info. */
  public Node enroll(String name) throws Exception {
    return service
        .nodes()
        .createNode(
            Node.builder(UUID.randomUUID().toString(), "fake")
                .name(name)
                .driverInfo(Map.of("fake_address", "10.0.0.1", "fake_password", "s3cret"))
                .build());
  }

  /**
   * Plays the deploy ramdisk's lookup: gives the node a PXE port when it has none, then looks up
   * its agent token from {@code address}.
   */
  public String lookUpAgentToken(Node node, String address) throws Exception {
    List<Port> ports = store.portsOf(node.uuid());
    String mac;
    if (ports.isEmpty()) {
      int h = node.uuid().hashCode();
      mac = String.format("52:54:00:%02x:%02x:%02x", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
      service
          .ports()
          .createPort(
              Port.builder(
                      UUID.randomUUID().toString(),
                      org.amtpxe.api.model.MacAddress.parse(mac),
                      node.uuid())
                  .build());
    } else {
      mac = ports.get(0).address().toString();
    }
    return service.ramdisk().lookup(List.of(mac), node.uuid(), address).token();
  }

  /** The node as stored now. */
  public Node reload(Node node) {
    return store.findNode(node.uuid()).orElseThrow();
  }

  @Override
  public void close() {
    service.consoles().close();
    database.close();
  }
}
