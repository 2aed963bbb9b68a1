package org.amtpxe.amt.internal.shell;

import java.util.HashMap;
import java.util.Map;
import org.amtpxe.amt.internal.AmtDriverInfo;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;

/**
 * What every {@code amt:*} command shares: the options that say how to reach one AMT directly
 * (without a node), parsed by the same helper as a node's driver_info, and the password prompt.
 */
public abstract class AmtCommand implements Action {

  @Option(
      name = "-a",
      aliases = "--address",
      required = true,
      description = "IP address or host name of the AMT")
  String address;

  @Option(name = "--port", description = "WS-Man port (default 16992 http, 16993 https)")
  String port;

  @Option(name = "--protocol", description = "http or https (default: the driver configuration)")
  String protocol;

  @Option(name = "-u", aliases = "--username", description = "AMT user (default admin)")
  String username = "admin";

  @Option(
      name = "-p",
      aliases = "--password",
      description = "AMT password; prompted for (not echoed) when absent")
  String password;

  @Option(name = "--fingerprint", description = "SHA-256 fingerprint of the AMT's TLS certificate")
  String fingerprint;

  @Option(name = "--insecure", description = "https: accept any certificate (testing only)")
  boolean insecure;

  @Reference AmtGateway gateway;

  @Reference(optional = true)
  Session session;

  @Override
  public Object execute() throws Exception {
    AmtSettings settings = gateway.settings();
    AmtEndpoint endpoint = AmtDriverInfo.parse("AMT " + address, driverInfo(), settings.protocol());
    WsmanClient client = gateway.client(endpoint, settings);
    return gateway.call(() -> run(client, settings));
  }

  private Map<String, Object> driverInfo() throws Exception {
    Map<String, Object> info = new HashMap<>();
    info.put(AmtDriverInfo.ADDRESS, address);
    info.put(AmtDriverInfo.USERNAME, username);
    info.put(AmtDriverInfo.PASSWORD, password != null ? password : promptPassword());
    info.put(AmtDriverInfo.PROTOCOL, protocol);
    info.put(AmtDriverInfo.PORT, port);
    info.put(AmtDriverInfo.CERT_FINGERPRINT, fingerprint);
    info.put(AmtDriverInfo.VERIFY_CA, !insecure);
    return info;
  }

  private String promptPassword() throws Exception {
    if (session == null) {
      throw new IllegalArgumentException(
          "No AMT password: give --password, or run the command in a console to be asked.");
    }
    return session.readLine("AMT password for " + username + "@" + address + ": ", '*');
  }

  /**
   * Does the command's work against the AMT.
   *
   * @return what the console prints
   */
  abstract String run(WsmanClient client, AmtSettings settings) throws DriverException;
}
