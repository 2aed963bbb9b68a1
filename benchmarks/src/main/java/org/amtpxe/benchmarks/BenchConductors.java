package org.amtpxe.benchmarks;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.conductor.internal.metrics.ConductorMeters;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.task.Workers;

/**
 * The conductor as the single-conductor benchmarks build it: an H2 file store with its schema, one
 * driver in a registry, and {@link Conductor#create} over them. What each benchmark measures is
 * around it; this is only the wiring they share.
 */
final class BenchConductors {
  private BenchConductors() {}

  /** A conductor and the registry its driver is in (the power sync reads the registry too). */
  record Wired(DriverRegistry registry, Conductor conductor) {}

  /**
   * Opens an H2 file store and migrates its schema; the caller closes it.
   *
   * @param file the database's file name, without H2's suffix
   * @param connections the connection pool's size
   */
  static Database h2(Path file, int connections) {
    Database database =
        Database.open("jdbc:h2:file:" + file.toAbsolutePath(), "sa", "", connections);
    try {
      new SchemaMigrator(database).migrate();
      return database;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** The conductor with one driver, its tasks run in the thread that starts them. */
  static Wired conductor(Database database, String host, BareMetalDriver driver) {
    return conductor(database, host, driver, Workers.unbounded(Runnable::run), null);
  }

  /**
   * The conductor with one driver.
   *
   * @param meters the conductor's meters, or null for none
   */
  static Wired conductor(
      Database database,
      String host,
      BareMetalDriver driver,
      Workers workers,
      ConductorMeters meters) {
    DriverRegistry registry = new DriverRegistry();
    if (driver != null) {
      registry.addDriver(driver, Map.of(BareMetalDriver.NAME_PROPERTY, driver.name()));
    }
    Store store = new Store(database, Clock.systemUTC());
    Conductor conductor =
        meters == null
            ? Conductor.create(store, host, registry, workers)
            : Conductor.create(store, host, registry, workers, meters);
    return new Wired(registry, conductor);
  }
}
