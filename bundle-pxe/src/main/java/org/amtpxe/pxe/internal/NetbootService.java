package org.amtpxe.pxe.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.amtpxe.api.config.ConfigProblems;
import org.amtpxe.api.config.TypedConfig;
import org.amtpxe.api.health.Health;
import org.amtpxe.api.history.NodeHistory;
import org.amtpxe.api.metrics.Meters;
import org.amtpxe.pxe.internal.boot.BootConfigWriter;
import org.amtpxe.pxe.internal.cache.ImageCache;
import org.amtpxe.pxe.internal.config.PxeConfig;
import org.amtpxe.pxe.internal.config.PxeSettings;
import org.amtpxe.pxe.internal.deploy.DeployEnvironment;
import org.amtpxe.pxe.internal.deploy.PxeDeploy;
import org.amtpxe.pxe.internal.deploy.RamdiskNotifier;
import org.amtpxe.pxe.internal.deploy.TcpRamdiskNotifier;
import org.amtpxe.pxe.internal.http.HttpBootServer;
import org.amtpxe.pxe.internal.tftp.TftpServer;
import org.amtpxe.pxe.internal.tftp.TftpServerOptions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network boot for the PXE deploy: holds the configuration in force, runs the TFTP and HTTP servers
 * on the configured roots, owns the image cache and the deploy built on them. A new configuration
 * that does not validate is refused and the previous one stays.
 */
@Component(
    service = NetbootService.class,
    configurationPid = PxeConfig.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL,
    immediate = true)
@Designate(ocd = PxeConfig.class)
public final class NetbootService {
  private static final Logger LOG = LoggerFactory.getLogger(NetbootService.class);

  private final Path dataDir;
  private final Path etcDir;
  private final BootConfigWriter writer = new BootConfigWriter();
  private final PxeDeploy deploy;
  private volatile DeployEnvironment environment;
  private TftpServer tftp;
  private HttpBootServer http;
  private String tftpProblem;
  private String httpProblem;
  // The metrics service while one is registered; bound and unbound without reactivation.
  private volatile Meters meters;
  private final PxeMeters pxeMeters = new PxeMeters(() -> meters);
  // The node history service while one is registered; the same dynamics as the meters.
  private volatile NodeHistory history;
  private final ServedFiles servedFiles = new ServedFiles(() -> history, Clock.systemUTC());

  /**
   * Validates the configuration and starts the servers.
   *
   * @param properties the component properties, read through {@link PxeSettings#from} (not as a
   *     {@link PxeConfig} built by SCR: see {@link TypedConfig} for why)
   * @throws IllegalArgumentException when the configuration is invalid (the message names every bad
   *     key); SCR tries again when the configuration changes
   */
  @Activate
  public NetbootService(Map<String, Object> properties) {
    this(
        properties,
        Path.of(System.getProperty("karaf.data", "data")),
        System.getProperty("karaf.etc") == null ? null : Path.of(System.getProperty("karaf.etc")),
        new TcpRamdiskNotifier());
  }

  NetbootService(Map<String, ?> properties, Path dataDir, RamdiskNotifier notifier) {
    this(properties, dataDir, null, notifier);
  }

  NetbootService(Map<String, ?> properties, Path dataDir, Path etcDir, RamdiskNotifier notifier) {
    this.dataDir = dataDir;
    this.etcDir = etcDir;
    PxeSettings settings;
    try {
      settings = PxeSettings.from(properties, dataDir, etcDir);
    } catch (ConfigProblems.InvalidConfigurationException e) {
      throw new IllegalArgumentException(
          e.report("network boot and the pxe_amt driver do not start until then"), e);
    }
    this.environment = new DeployEnvironment(settings, newCache(settings));
    this.deploy = new PxeDeploy(() -> environment, writer, notifier, servedFiles);
    start(settings);
  }

  /**
   * Binds the metrics service. Optional and dynamic: network boot works without it, and the service
   * may come, go or be replaced while transfers run.
   */
  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      unbind = "unbindMeters")
  public synchronized void bindMeters(Meters meters) {
    this.meters = meters;
  }

  /** Unbinds the metrics service, unless another one replaced it already. */
  public synchronized void unbindMeters(Meters old) {
    if (meters == old) {
      meters = null;
    }
  }

  /**
   * Binds the node history service, where the boot servers note the files a node being deployed was
   * sent. Optional and dynamic, as the metrics service.
   */
  @Reference(
      cardinality = ReferenceCardinality.OPTIONAL,
      policy = ReferencePolicy.DYNAMIC,
      policyOption = ReferencePolicyOption.GREEDY,
      unbind = "unbindHistory")
  public synchronized void bindHistory(NodeHistory history) {
    this.history = history;
  }

  /** Unbinds the node history service, unless another one replaced it already. */
  public synchronized void unbindHistory(NodeHistory old) {
    if (history == old) {
      history = null;
    }
  }

  /** Applies a new configuration, restarting the servers; an invalid one is refused. */
  @Modified
  synchronized void modified(Map<String, Object> properties) {
    PxeSettings settings;
    try {
      settings = PxeSettings.from(properties, dataDir, etcDir);
    } catch (ConfigProblems.InvalidConfigurationException e) {
      LOG.error(e.report(ConfigProblems.PREVIOUS_STAYS));
      return;
    }
    PxeSettings old = environment.settings();
    ImageCache cache =
        settings.imageCacheDir().equals(old.imageCacheDir())
                && settings.imageCacheSizeBytes() == old.imageCacheSizeBytes()
                && settings.imageCacheTtl().equals(old.imageCacheTtl())
                && settings.imageSources().equals(old.imageSources())
            ? environment.cache()
            : newCache(settings);
    stopServers();
    environment = new DeployEnvironment(settings, cache);
    start(settings);
  }

  @Deactivate
  synchronized void deactivate() {
    stopServers();
  }

  /** The configuration in force. */
  public PxeSettings settings() {
    return environment.settings();
  }

  /** The image cache in force. */
  public ImageCache imageCache() {
    return environment.cache();
  }

  /** The PXE deploy. */
  public PxeDeploy deploy() {
    return deploy;
  }

  /** One line per server: where it serves, or why it does not. */
  public synchronized String status() {
    PxeSettings s = settings();
    StringBuilder b = new StringBuilder();
    b.append("TFTP: ")
        .append(
            serverStatus(
                s.tftpEnabled(),
                tftp == null ? null : tftp.localAddress(),
                tftpProblem,
                s.tftpRoot()))
        .append('\n');
    b.append("HTTP: ")
        .append(
            serverStatus(
                s.httpEnabled(),
                http == null ? null : http.localAddress(),
                httpProblem,
                s.httpRoot()))
        .append(s.httpTls() != null && http != null ? " (HTTPS)" : "")
        .append('\n');
    b.append("http_url: ").append(s.httpUrl().isEmpty() ? "(not set)" : s.httpUrl()).append('\n');
    b.append("api_url: ").append(s.apiUrl().isEmpty() ? "(not set)" : s.apiUrl()).append('\n');
    b.append("image cache: ")
        .append(s.imageCacheDir())
        .append(", ")
        .append(imageCache().downloads())
        .append(" downloads, ")
        .append(imageCache().hits())
        .append(" hits\n");
    b.append("image_dirs: ")
        .append(s.imageSources().imageDirs().isEmpty() ? "(none: local images refused)" : "")
        .append(
            String.join(", ", s.imageSources().imageDirs().stream().map(Path::toString).toList()))
        .append('\n');
    b.append("image_url_allowed_hosts: ")
        .append(
            s.imageSources().allowedHosts().isEmpty()
                ? "(any host)"
                : String.join(", ", s.imageSources().allowedHosts()))
        .append('\n');
    return b.toString();
  }

  /** The TFTP server's health: listening, disabled, or why it does not serve. */
  public synchronized Health tftpHealth() {
    PxeSettings s = settings();
    return serverHealth(
        "TFTP",
        "UDP",
        s.tftpEnabled(),
        tftp == null ? null : tftp.localAddress(),
        tftp != null && tftp.isListening(),
        tftpProblem,
        s.tftpRoot(),
        "tftp_enabled");
  }

  /** The HTTP boot server's health: listening, disabled, or why it does not serve. */
  public synchronized Health httpHealth() {
    PxeSettings s = settings();
    return serverHealth(
        s.httpTls() == null ? "HTTP" : "HTTPS",
        "TCP",
        s.httpEnabled(),
        http == null ? null : http.localAddress(),
        http != null && http.isListening(),
        httpProblem,
        s.httpRoot(),
        "http_enabled");
  }

  private static Health serverHealth(
      String what,
      String protocol,
      boolean enabled,
      InetSocketAddress bound,
      boolean listening,
      String problem,
      Path root,
      String switchKey) {
    if (!enabled) {
      return Health.up(what + " boot server disabled (" + switchKey + "=false)");
    }
    if (bound != null && listening) {
      return Health.up(
          "listening on "
              + protocol
              + " "
              + bound.getAddress().getHostAddress()
              + ":"
              + bound.getPort()
              + ", serving "
              + root);
    }
    if (bound != null) {
      return Health.down(
          what
              + " server on "
              + bound.getAddress().getHostAddress()
              + ":"
              + bound.getPort()
              + " stopped receiving; see karaf.log, then reapply the configuration of "
              + PxeConfig.PID);
    }
    return Health.down(what + " server " + Objects.requireNonNullElse(problem, "not started"));
  }

  private static String serverStatus(
      boolean enabled, InetSocketAddress bound, String problem, Path root) {
    if (!enabled) {
      return "disabled";
    }
    if (bound != null) {
      return "serving "
          + root
          + " on "
          + bound.getAddress().getHostAddress()
          + ":"
          + bound.getPort();
    }
    return "NOT RUNNING: " + Objects.requireNonNullElse(problem, "not started");
  }

  private synchronized void start(PxeSettings s) {
    try {
      Files.createDirectories(s.tftpRoot());
      Files.createDirectories(s.httpRoot());
      writer.writeBootScript(s.httpRoot());
    } catch (IOException e) {
      LOG.error(
          "Cannot prepare the boot roots {} and {}: {}. Fix tftp_root/http_root.",
          s.tftpRoot(),
          s.httpRoot(),
          e.toString());
    }
    if (s.dhcpEntries() != null) {
      try {
        s.dhcpEntries().writeOptions();
      } catch (IOException e) {
        LOG.error(
            "Cannot write the DHCP options file {}: {}. Fix dhcp_optsdir.",
            s.dhcpEntries().optionsFile(),
            e.toString());
      }
    }
    for (Path dir : s.imageSources().imageDirs()) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        LOG.error("Cannot create the image directory {}: {}. Fix image_dirs.", dir, e.toString());
      }
    }
    tftpProblem = null;
    httpProblem = null;
    if (s.tftpEnabled()) {
      try {
        tftp =
            TftpServer.start(
                s.tftpRoot(),
                new InetSocketAddress(s.tftpAddress(), s.tftpPort()),
                new TftpServerOptions(
                    s.tftpMaxBlockSize(),
                    s.tftpMaxWindowSize(),
                    s.tftpTimeout(),
                    s.tftpMaxTimeout(),
                    s.tftpRetries(),
                    s.tftpTransferLifetime(),
                    s.tftpMaxTransfers(),
                    s.tftpMaxTransfersPerClient()),
                pxeMeters,
                servedFiles);
      } catch (IOException e) {
        tftpProblem =
            "cannot listen on UDP "
                + s.tftpAddress().getHostAddress()
                + ":"
                + s.tftpPort()
                + " ("
                + e.getMessage()
                + "); ports below 1024 need root or"
                + " CAP_NET_BIND_SERVICE; change tftp_port or tftp_address";
        LOG.error("TFTP server {}", tftpProblem);
      }
    }
    if (s.httpEnabled()) {
      try {
        http =
            HttpBootServer.start(
                s.httpRoot(),
                new InetSocketAddress(s.httpAddress(), s.httpPort()),
                HttpBootServer.Options.DEFAULTS.withTls(s.httpTls()),
                pxeMeters,
                servedFiles);
      } catch (Exception e) {
        httpProblem =
            "cannot listen on TCP "
                + s.httpAddress().getHostAddress()
                + ":"
                + s.httpPort()
                + " ("
                + e.getMessage()
                + "); change http_port or http_address";
        LOG.error("HTTP boot server {}", httpProblem);
      }
    }
  }

  private void stopServers() {
    if (tftp != null) {
      tftp.close();
      tftp = null;
    }
    if (http != null) {
      http.close();
      http = null;
    }
  }

  private static ImageCache newCache(PxeSettings s) {
    return new ImageCache(
        s.imageCacheDir(),
        s.imageCacheSizeBytes(),
        s.imageCacheTtl(),
        s.imageSources(),
        Clock.systemUTC());
  }
}
