package org.amtpxe.conductor.internal.testing;

import org.amtpxe.conductor.internal.auth.Authenticator;
import org.amtpxe.conductor.internal.auth.LoginThrottle;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.web.ConsoleTerminals;
import org.amtpxe.conductor.internal.web.NodeFeed;
import org.amtpxe.conductor.internal.web.Sessions;
import org.amtpxe.conductor.internal.web.UiHandler;

/**
 * The API and the web page on 127.0.0.1 over a {@link TestConductor}, wired as ConductorRuntime
 * wires them: one login throttle and one session store shared by both, the feed listening to the
 * conductor's database.
 */
public final class WebStack implements AutoCloseable {
  public final NodeFeed feed;
  public final ConsoleTerminals terminals;
  public final Sessions sessions = new Sessions();
  public final ApiServer server;
  public final String base;

  /**
   * @param authenticator the API users, or null for the anonymous loopback API
   */
  public WebStack(TestConductor c, Authenticator authenticator) throws Exception {
    this(c, authenticator, null);
  }

  /**
   * @param authenticator the API users, or null for the anonymous loopback API
   * @param tls the API's keystore for HTTPS, or null for plain HTTP
   */
  public WebStack(TestConductor c, Authenticator authenticator, ApiServer.Tls tls)
      throws Exception {
    this(c, authenticator, tls, ConsoleTerminals.IDLE, java.time.Duration.ofSeconds(10));
  }

  /**
   * @param authenticator the API users, or null for the anonymous loopback API
   * @param tls the API's keystore for HTTPS, or null for plain HTTP
   * @param terminalIdle how long a terminal nobody types into lives
   * @param terminalTick how often terminals' limits are checked
   */
  public WebStack(
      TestConductor c,
      Authenticator authenticator,
      ApiServer.Tls tls,
      java.time.Duration terminalIdle,
      java.time.Duration terminalTick)
      throws Exception {
    feed =
        new NodeFeed(
            new org.amtpxe.conductor.internal.store.Store(c.database, c.clock), TestConductor.HOST);
    c.database.changes().listen(feed::changed);
    terminals =
        new ConsoleTerminals(
            c.service.consoles(), sessions, terminalIdle, terminalTick, System::nanoTime);
    LoginThrottle logins = ApiHandler.newLoginThrottle();
    ApiHandler api =
        new ApiHandler(c.service, authenticator, ApiHandler.Options.DEFAULT, logins, sessions);
    server =
        new ApiServer(
            new ApiServer.Config("127.0.0.1", 0, 16, 64, tls),
            new UiHandler(
                api,
                new UiHandler.Options(authenticator, false, TestConductor.HOST),
                logins,
                sessions,
                feed,
                terminals));
    base = (tls == null ? "http" : "https") + "://127.0.0.1:" + server.port();
  }

  @Override
  public void close() throws Exception {
    terminals.close();
    feed.close();
    server.close();
  }
}
