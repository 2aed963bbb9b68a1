package org.amtpxe.conductor.internal;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.amtpxe.conductor.internal.auth.CredentialsFile;
import org.amtpxe.conductor.internal.lock.NodeLocks;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiKeystore;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.service.ConductorService;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.NodeStore;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.sync.StartupRecovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one configuration of the conductor runs: the database, the service, the worker pool,
 * the periodic tasks and the API server. Started whole and closed whole, so that a new
 * configuration replaces it cleanly.
 */
public final class ConductorRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConductorRuntime.class);

  private final Settings settings;
  private final Database database;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService scheduler;
  private final PowerSync sync;
  private final ConductorService service;
  private final ApiServer server;

  private ConductorRuntime(
      Settings settings,
      Database database,
      ThreadPoolExecutor workers,
      ScheduledExecutorService scheduler,
      PowerSync sync,
      ConductorService service,
      ApiServer server) {
    this.settings = settings;
    this.database = database;
    this.workers = workers;
    this.scheduler = scheduler;
    this.sync = sync;
    this.service = service;
    this.server = server;
  }

  /**
   * Opens the database, migrates it, recovers interrupted nodes, and starts the workers, the
   * periodic tasks and the API. On failure, whatever was started is stopped again.
   *
   * @throws Exception when the database cannot be opened or migrated, or the API cannot bind
   */
  public static ConductorRuntime start(Settings s, DriverRegistry drivers) throws Exception {
    Database database = null;
    ThreadPoolExecutor workers = null;
    ScheduledExecutorService scheduler = null;
    PowerSync sync = null;
    try {
      database = Database.open(s.dbUrl(), s.dbUser(), s.dbPassword(), s.workerThreads() + 16);
      new SchemaMigrator(database).migrate();
      NodeStore store = new NodeStore(database, Clock.systemUTC());
      String host = s.resolvedHost();
      new StartupRecovery(store, host).recover();
      NodeLocks locks = new NodeLocks(store, host);
      BlockingQueue<Runnable> queue =
          s.workerQueue() == 0
              ? new SynchronousQueue<>()
              : new ArrayBlockingQueue<>(s.workerQueue());
      workers =
          new ThreadPoolExecutor(
              s.workerThreads(),
              s.workerThreads(),
              60,
              TimeUnit.SECONDS,
              queue,
              threads("amtpxe-worker"));
      ConductorService service = new ConductorService(store, drivers, locks, workers);
      sync =
          new PowerSync(
              store, drivers, locks, s.syncParallelism(), s.syncTimeout(), s.syncMaxRetries());
      scheduler = Executors.newScheduledThreadPool(2, threads("amtpxe-periodic"));
      schedule(scheduler, s, sync, service);
      CredentialsFile auth = null;
      if (s.authFile() != null) {
        auth = new CredentialsFile(s.authFile());
        auth.load();
      }
      ApiServer.Tls tls = null;
      if (s.apiTlsKeystore() != null) {
        ApiKeystore.prepare(
            s.apiTlsKeystore(),
            s.apiTlsKeystorePassword().toCharArray(),
            s.apiTlsGenerate(),
            machineName(),
            s.apiHost());
        tls = new ApiServer.Tls(s.apiTlsKeystore(), s.apiTlsKeystorePassword());
      }
      if (s.plainHttpOffLoopback()) {
        LOG.warn(
            "The API serves plain HTTP on {}: HTTP Basic credentials are refused (403) so that"
                + " no password crosses the network in clear; only the deploy ramdisk's routes"
                + " work, and clients on this machine through the loopback interface. Set"
                + " api_tls_keystore (api_tls_generate=true creates one).",
            s.apiHost());
      }
      ApiServer server =
          new ApiServer(
              new ApiServer.Config(
                  s.apiHost(), s.apiPort(), s.apiThreads(), s.apiMaxConnections(), tls),
              new ApiHandler(
                  service,
                  auth,
                  new ApiHandler.Options(s.apiBodyTimeout(), s.plainHttpOffLoopback(), true)));
      LOG.info(
          "Conductor {} serving the API on {}://{}:{}",
          host,
          tls == null ? "http" : "https",
          s.apiHost(),
          server.port());
      return new ConductorRuntime(s, database, workers, scheduler, sync, service, server);
    } catch (Exception | LinkageError e) {
      stopQuietly(scheduler, workers, sync, database);
      throw e;
    }
  }

  private static void schedule(
      ScheduledExecutorService scheduler, Settings s, PowerSync sync, ConductorService service) {
    if (!s.syncInterval().isZero()) {
      long seconds = s.syncInterval().toSeconds();
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              sync.runOnce();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
              LOG.warn("Power sync pass failed: {}", e.getMessage());
            }
          },
          seconds,
          seconds,
          TimeUnit.SECONDS);
    }
    if (!s.callbackTimeout().isZero()) {
      long seconds = s.callbackCheckInterval().toSeconds();
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              service.failExpiredCallbacks(s.callbackTimeout());
            } catch (RuntimeException e) {
              LOG.warn("Deploy callback timeout check failed: {}", e.getMessage());
            }
          },
          seconds,
          seconds,
          TimeUnit.SECONDS);
    }
  }

  /** The machine's host name, for a generated certificate. */
  private static String machineName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public Settings settings() {
    return settings;
  }

  public ConductorService service() {
    return service;
  }

  /** The port the API bound. */
  public int apiPort() {
    return server.port();
  }

  /**
   * Stops the API, then the periodic tasks and workers (waiting briefly for running operations,
   * whose nodes the next start recovers if they do not finish), then closes the database.
   */
  @Override
  public void close() {
    try {
      server.close();
    } catch (Exception e) {
      LOG.warn("Stopping the API server failed: {}", e.getMessage());
    }
    stopQuietly(scheduler, workers, sync, database);
  }

  private static void stopQuietly(
      ScheduledExecutorService scheduler,
      ThreadPoolExecutor workers,
      PowerSync sync,
      Database database) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (workers != null) {
      workers.shutdown();
      try {
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
          workers.shutdownNow();
        }
      } catch (InterruptedException e) {
        workers.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (sync != null) {
      sync.close();
    }
    if (database != null) {
      database.close();
    }
  }
}
