package org.amtpxe.amt.internal;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.amtpxe.amt.internal.cim.AmtRedirectionService;
import org.amtpxe.amt.internal.sol.RedirectionSettings;
import org.amtpxe.amt.internal.sol.SolClient;
import org.amtpxe.amt.internal.sol.SolSession;
import org.amtpxe.amt.internal.sol.SolTarget;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.amt.internal.wsman.AmtTls;
import org.amtpxe.api.driver.ConsoleInterface;
import org.amtpxe.api.driver.ConsoleSession;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DriverException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * AMT Console: enables the SOL redirection listener over WS-Man and opens Serial-over-LAN sessions
 * on the redirection port (docs/amt-sol.md). Owns the thread that sends the sessions' heartbeats
 * and closes every session it opened when it stops (a bundle update): their owner opens new ones
 * with the component that replaces it.
 */
@Component(
    service = ConsoleInterface.class,
    property = PowerInterface.DRIVER_PROPERTY + "=amt",
    // amt.version: the bundle version, written into the jar by bnd (see pom.xml).
    properties = "OSGI-INF/amt-version.properties")
public final class AmtConsole implements ConsoleInterface {

  private final AmtGateway gateway;
  private final RedirectionSettings redirection;
  private final ScheduledThreadPoolExecutor keepAlives;
  private final Set<SolSession> sessions = ConcurrentHashMap.newKeySet();

  @Activate
  public AmtConsole(@Reference AmtGateway gateway) {
    this(gateway, null);
  }

  /**
   * A console with explicit redirection settings (tests), or, when null, settings derived from the
   * gateway's transport (connect and step timeouts as for WS-Man).
   */
  public AmtConsole(AmtGateway gateway, RedirectionSettings redirection) {
    this.gateway = gateway;
    this.redirection = redirection;
    this.keepAlives =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "amt-sol-keepalive");
              t.setDaemon(true);
              return t;
            });
    keepAlives.setRemoveOnCancelPolicy(true);
  }

  /** Closes every session still open and stops the heartbeats. */
  @Deactivate
  public void close() {
    sessions.forEach(SolSession::close);
    sessions.clear();
    keepAlives.shutdownNow();
  }

  @Override
  public Map<String, String> properties() {
    return AmtDriverInfo.CONSOLE_PROPERTIES;
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    AmtEndpoint endpoint = AmtDriverInfo.parse(task.node(), gateway.settings().protocol());
    AmtDriverInfo.redirectionPort(task.node(), endpoint);
  }

  /**
   * Enables SOL and the redirection listener in {@code AMT_RedirectionService}, changing only what
   * is not already so.
   *
   * @throws org.amtpxe.api.error.AuthenticationFailedException when the AMT refuses the credentials
   * @throws org.amtpxe.api.error.OperationFailedException when the firmware refuses the change
   * @throws DriverException when the AMT cannot be reached
   */
  @Override
  public void startConsole(TaskContext task) throws DriverException {
    AmtSettings settings = gateway.settings();
    AmtEndpoint endpoint = AmtDriverInfo.parse(task.node(), settings.protocol());
    AmtDriverInfo.redirectionPort(task.node(), endpoint);
    gateway.call(() -> new AmtRedirectionService(gateway.client(endpoint, settings)).enableSol());
  }

  /**
   * Opens a SOL session; see {@link SolClient#open} for what fails how. The session is closed when
   * this component stops.
   */
  @Override
  public ConsoleSession openSession(TaskContext task) throws DriverException {
    AmtSettings settings = gateway.settings();
    AmtEndpoint endpoint = AmtDriverInfo.parse(task.node(), settings.protocol());
    int port = AmtDriverInfo.redirectionPort(task.node(), endpoint);
    SolTarget target;
    try {
      target =
          new SolTarget(
              endpoint.label(),
              endpoint.address(),
              port,
              endpoint.username(),
              endpoint.password(),
              endpoint.https()
                  ? AmtTls.context(endpoint, settings.transport()).getSocketFactory()
                  : null,
              endpoint.https() && endpoint.certSha256() == null && endpoint.verifyCa());
    } catch (GeneralSecurityException e) {
      throw new ConnectionFailedException(
          endpoint.label() + ": cannot set up TLS for the redirection port: " + e.getMessage(), e);
    }
    sessions.removeIf(s -> !s.isOpen());
    SolSession session =
        gateway.call(() -> SolClient.open(target, redirectionSettings(settings), keepAlives));
    sessions.add(session);
    return session;
  }

  private RedirectionSettings redirectionSettings(AmtSettings settings) {
    if (redirection != null) {
      return redirection;
    }
    RedirectionSettings d = RedirectionSettings.defaults();
    return new RedirectionSettings(
        settings.transport().connectTimeout(),
        settings.transport().readTimeout().compareTo(Duration.ofSeconds(1)) < 0
            ? d.stepTimeout()
            : settings.transport().readTimeout(),
        d.idleTimeout(),
        d.keepAlive(),
        d.maxFrameBytes());
  }
}
