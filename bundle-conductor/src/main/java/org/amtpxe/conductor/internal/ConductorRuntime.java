package org.amtpxe.conductor.internal;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.auth.CachingAuthenticator;
import org.amtpxe.conductor.internal.auth.CredentialsLoginModule;
import org.amtpxe.conductor.internal.auth.JaasAuthenticator;
import org.amtpxe.conductor.internal.auth.LoginThrottle;
import org.amtpxe.conductor.internal.cluster.ClusterTrust;
import org.amtpxe.conductor.internal.cluster.ConductorRegistry;
import org.amtpxe.conductor.internal.cluster.Forwarder;
import org.amtpxe.conductor.internal.cluster.Takeover;
import org.amtpxe.conductor.internal.health.ConductorChecks;
import org.amtpxe.conductor.internal.health.HealthRegistry;
import org.amtpxe.conductor.internal.health.HealthService;
import org.amtpxe.conductor.internal.metrics.ConductorMeters;
import org.amtpxe.conductor.internal.metrics.MicrometerMeters;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiKeystore;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.service.Conductor;
import org.amtpxe.conductor.internal.service.DriverRegistry;
import org.amtpxe.conductor.internal.store.Database;
import org.amtpxe.conductor.internal.store.SchemaMigrator;
import org.amtpxe.conductor.internal.store.Store;
import org.amtpxe.conductor.internal.sync.PowerSync;
import org.amtpxe.conductor.internal.sync.StartupRecovery;
import org.amtpxe.conductor.internal.task.Workers;
import org.amtpxe.conductor.internal.web.ConsoleTerminals;
import org.amtpxe.conductor.internal.web.NodeFeed;
import org.amtpxe.conductor.internal.web.Sessions;
import org.amtpxe.conductor.internal.web.UiHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one configuration of the conductor runs: the database, the service, the worker pool,
 * the periodic tasks and the API server. Started whole and closed whole, so that a new
 * configuration replaces it cleanly.
 */
public final class ConductorRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConductorRuntime.class);

  /** How long the owner of a node may take to answer an operation another conductor forwards. */
  static final java.time.Duration FORWARD_TIMEOUT = java.time.Duration.ofSeconds(60);

  private final ConductorSettings settings;
  private final Database database;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService scheduler;
  private final PowerSync sync;
  private final Conductor service;
  private final ApiServer server;
  private final ConductorMeters meters;
  private final HealthService health;
  private final NodeFeed feed;
  private final ConsoleTerminals terminals;
  private final ConductorRegistry registry;

  private ConductorRuntime(
      ConductorSettings settings,
      Database database,
      ThreadPoolExecutor workers,
      ScheduledExecutorService scheduler,
      PowerSync sync,
      Conductor service,
      ApiServer server,
      ConductorRegistry registry,
      ConductorMeters meters,
      HealthService health,
      NodeFeed feed,
      ConsoleTerminals terminals) {
    this.meters = meters;
    this.health = health;
    this.settings = settings;
    this.database = database;
    this.workers = workers;
    this.scheduler = scheduler;
    this.sync = sync;
    this.service = service;
    this.server = server;
    this.feed = feed;
    this.terminals = terminals;
    this.registry = registry;
  }

  /**
   * Opens the database, migrates it, recovers interrupted nodes, and starts the workers, the
   * periodic tasks and the API. On failure, whatever was started is stopped again.
   *
   * @throws Exception when the database cannot be opened or migrated, or the API cannot bind
   */
  public static ConductorRuntime start(ConductorSettings s, DriverRegistry drivers)
      throws Exception {
    return start(s, drivers, ConductorMeters.standalone().meters(), new HealthRegistry());
  }

  /**
   * {@link #start(ConductorSettings, DriverRegistry)}, measured in the bundle's meters.
   *
   * @throws Exception when the database cannot be opened or migrated, or the API cannot bind
   */
  public static ConductorRuntime start(
      ConductorSettings s,
      DriverRegistry drivers,
      MicrometerMeters bundleMeters,
      HealthRegistry healthChecks)
      throws Exception {
    ConductorMeters meters = new ConductorMeters(bundleMeters);
    HealthService health = null;
    Database database = null;
    ThreadPoolExecutor workers = null;
    ScheduledExecutorService scheduler = null;
    PowerSync sync = null;
    NodeFeed feed = null;
    ConsoleTerminals terminals = null;
    ApiServer server = null;
    ConductorRegistry registry = null;
    try {
      database = Database.open(s.dbUrl(), s.dbUser(), s.dbPassword(), s.workerThreads() + 16);
      new SchemaMigrator(database).migrate();
      Store store = new Store(database, Clock.systemUTC());
      String host = s.resolvedHost();
      // NOTE: the queue itself is unbounded; Workers admits at most threads + queue operations, and
      // refuses the next one before its state is written (a refused execute() came too late).
      workers =
          new ThreadPoolExecutor(
              s.workerThreads(),
              s.workerThreads(),
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              threads("amtpxe-worker"));
      ThreadPoolExecutor pool = workers;
      Workers admission =
          new Workers(pool, s.workerThreads() + s.workerQueue(), meters::workersRefused);
      meters.workerGauges(admission::inUse, () -> pool.getQueue().size(), admission::capacity);
      Conductor service =
          Conductor.create(store, host, drivers, admission, s.consoleHost(), meters);
      AtomicReference<ApiServer> bound = new AtomicReference<>();
      String scheme = s.apiTlsKeystore() == null ? "http" : "https";
      health =
          new HealthService(
              List.of(
                  ConductorChecks.database(
                      database, (int) HealthService.DEFAULT_TIMEOUT.toSeconds()),
                  ConductorChecks.drivers(drivers),
                  ConductorChecks.workers(admission, () -> pool.getQueue().size()),
                  ConductorChecks.api(
                      () ->
                          bound.get() == null
                              ? null
                              : scheme + "://" + s.apiHost() + ":" + bound.get().port(),
                      () -> bound.get() != null && bound.get().isOpen())),
              healthChecks::all,
              HealthService.DEFAULT_TIMEOUT);
      new StartupRecovery(service.tasks()).recover();
      sync =
          new PowerSync(
              service.tasks(), drivers, s.syncParallelism(), s.syncTimeout(), s.syncMaxRetries());
      Authenticator auth = authenticator(s);
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
      // The nodes' conductor as the API shows it: their owner on the hash ring.
      feed = new NodeFeed(store, host, n -> service.tasks().ownership().owner(n).orElse(null));
      database.changes().listen(feed::changed);
      LoginThrottle logins = ApiHandler.newLoginThrottle();
      Sessions sessions = new Sessions();
      terminals = new ConsoleTerminals(service.consoles(), sessions);
      ApiHandler api =
          new ApiHandler(
              service,
              auth,
              new ApiHandler.Options(
                  s.apiBodyTimeout(), s.plainHttpOffLoopback(), true, s.trustedProxies()),
              s.clusterSecretFile() == null
                  ? null
                  : new Forwarder(
                      host,
                      Forwarder.readSecret(s.clusterSecretFile()),
                      s.clusterCaFile() == null ? null : ClusterTrust.fromPem(s.clusterCaFile()),
                      FORWARD_TIMEOUT,
                      Clock.systemUTC()),
              health,
              logins,
              sessions);
      server =
          new ApiServer(
              new ApiServer.Config(
                  s.apiHost(),
                  s.apiPort(),
                  s.apiThreads(),
                  s.apiMaxConnections(),
                  tls,
                  s.apiRamdiskPort()),
              new UiHandler(
                  api,
                  new UiHandler.Options(auth, s.plainHttpOffLoopback(), host),
                  logins,
                  sessions,
                  feed,
                  terminals));
      bound.set(server);
      LOG.info(
          "Conductor {} serving the API on {}://{}:{} and its web page under /ui/",
          host,
          tls == null ? "http" : "https",
          s.apiHost(),
          server.port());
      if (server.ramdiskPort() > 0) {
        LOG.info(
            "Conductor {} serving the deploy ramdisk's routes on http://{}:{}",
            host,
            s.apiHost(),
            server.ramdiskPort());
      }
      registry =
          new ConductorRegistry(
              store,
              host,
              (tls == null ? "http://" : "https://") + s.apiHost() + ":" + server.port(),
              () -> List.copyOf(drivers.all().keySet()),
              new ConductorRegistry.Settings(
                  s.heartbeatInterval(),
                  s.heartbeatTimeout(),
                  s.conductorGroup(),
                  s.hashPartitions()));
      registry.register();
      service.tasks().ownership(registry);
      scheduler = Executors.newScheduledThreadPool(2, threads("amtpxe-periodic"));
      schedule(scheduler, s, sync, service, registry);
      service.consoles().restore();
      // The first page load's paths run once now, not in the first operator's request.
      scheduler.execute(api::warmUp);
      return new ConductorRuntime(
          s, database, workers, scheduler, sync, service, server, registry, meters, health, feed,
          terminals);
    } catch (Exception | LinkageError e) {
      if (feed != null) {
        feed.close();
      }
      if (terminals != null) {
        terminals.close();
      }
      if (server != null) {
        server.close();
      }
      meters.close();
      if (health != null) {
        health.close();
      }
      stopQuietly(scheduler, workers, sync, registry, database);
      throw e;
    }
  }

  private static void schedule(
      ScheduledExecutorService scheduler,
      ConductorSettings s,
      PowerSync sync,
      Conductor service,
      ConductorRegistry registry) {
    Takeover takeover = new Takeover(registry, service.tasks(), service.drivers());
    periodically(
        scheduler,
        s.heartbeatInterval().toSeconds(),
        "Conductor heartbeat",
        () -> {
          registry.heartbeat();
          takeover.run();
          takeover.adopt();
          service.consoles().rebalance(registry.ring().hosts());
        });
    if (!s.syncInterval().isZero()) {
      periodically(
          scheduler,
          s.syncInterval().toSeconds(),
          "Power sync pass",
          () -> {
            try {
              sync.runOnce();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    if (!s.callbackTimeout().isZero()) {
      periodically(
          scheduler,
          s.callbackCheckInterval().toSeconds(),
          "Deploy callback timeout check",
          () -> service.ramdisk().failExpiredCallbacks(s.callbackTimeout()));
    }
  }

  /**
   * Runs a periodic task that survives anything it throws: a scheduled task that throws is never
   * run again, so one unexpected error (even an Error) would end the power sync for good.
   */
  static void periodically(
      ScheduledExecutorService scheduler, long seconds, String what, Runnable task) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (Throwable e) {
            LOG.error("{} failed; it runs again in {} s", what, seconds, e);
          }
        },
        seconds,
        seconds,
        TimeUnit.SECONDS);
  }

  /**
   * How API users are checked: through the JAAS realm the settings name, behind a short cache of
   * verified credentials; null without authentication. The conductor's own realm ({@value
   * ConductorSettings#AMTPXE_REALM}) is defined here, over the credentials file; any other realm is
   * looked up where JAAS finds it (in Karaf: every realm registered with Karaf's JAAS, LDAP and
   * JDBC ones included).
   */
  static Authenticator authenticator(ConductorSettings s) {
    if (s.authRealm() == null) {
      return null;
    }
    javax.security.auth.login.Configuration realms = null;
    if (s.authRealm().equals(ConductorSettings.AMTPXE_REALM)) {
      java.util.Map<String, String> options =
          java.util.Map.of(CredentialsLoginModule.FILE, s.authFile().toString());
      realms =
          new javax.security.auth.login.Configuration() {
            @Override
            public javax.security.auth.login.AppConfigurationEntry[] getAppConfigurationEntry(
                String name) {
              return !name.equals(ConductorSettings.AMTPXE_REALM)
                  ? null
                  : new javax.security.auth.login.AppConfigurationEntry[] {
                    new javax.security.auth.login.AppConfigurationEntry(
                        CredentialsLoginModule.class.getName(),
                        javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag
                            .REQUIRED,
                        options)
                  };
            }
          };
    }
    return new CachingAuthenticator(new JaasAuthenticator(s.authRealm(), realms), s.authCache());
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

  public ConductorSettings settings() {
    return settings;
  }

  public Conductor service() {
    return service;
  }

  /** The health checks of this runtime. */
  public HealthService health() {
    return health;
  }

  /** This conductor among those sharing its database. */
  public ConductorRegistry registry() {
    return registry;
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
    // NOTE: periodic work first, and waited for: a heartbeat running now would otherwise reopen
    // console ports after they are closed, or use the database after it is closed.
    stop(scheduler);
    service.consoles().close();
    terminals.close();
    feed.close();
    try {
      server.close();
    } catch (Exception e) {
      LOG.warn("Stopping the API server failed: {}", e.getMessage());
    }
    meters.close();
    health.close();
    stopQuietly(scheduler, workers, sync, registry, database);
  }

  private static void stop(ScheduledExecutorService scheduler) {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("A periodic task did not end within 10 s of the stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void stopQuietly(
      ScheduledExecutorService scheduler,
      ThreadPoolExecutor workers,
      PowerSync sync,
      ConductorRegistry registry,
      Database database) {
    stop(scheduler);
    if (registry != null) {
      // First, so that the other conductors take this one's nodes without waiting for its
      // heartbeat to expire.
      registry.close();
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
