package org.amtpxe.amt.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.model.Node;

/**
 * The one parser of a node's AMT driver_info, shared by the power and management interfaces and the
 * shell. Keeps Ironic's keys; adds the port and the TLS trust keys. Offline: never contacts the
 * AMT.
 */
public final class AmtDriverInfo {
  public static final String ADDRESS = "amt_address";
  public static final String USERNAME = "amt_username";
  public static final String PASSWORD = "amt_password";
  public static final String PROTOCOL = "amt_protocol";
  public static final String PORT = "amt_port";
  public static final String CERT_FINGERPRINT = "amt_cert_fingerprint";
  public static final String VERIFY_CA = "amt_verify_ca";
  public static final String REDIRECTION_PORT = "amt_redirection_port";

  /** The AMT redirection port without TLS. */
  public static final int REDIRECTION_HTTP_PORT = 16994;

  /** The AMT redirection port with TLS. */
  public static final int REDIRECTION_HTTPS_PORT = 16995;

  /** The keys with their descriptions, for {@code properties()}. */
  public static final Map<String, String> PROPERTIES = properties();

  /** The keys of the console interface: those above and the redirection port. */
  public static final Map<String, String> CONSOLE_PROPERTIES = consoleProperties();

  private static final List<String> REQUIRED = List.of(ADDRESS, USERNAME, PASSWORD);

  private AmtDriverInfo() {}

  private static Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(ADDRESS, "IP address or host name of the node's AMT interface. Required.");
    p.put(USERNAME, "Username to log into AMT. Required.");
    p.put(PASSWORD, "Password for the AMT user. Required.");
    p.put(
        PROTOCOL,
        "Protocol to talk to AMT: http or https (case-sensitive). Default: the driver's"
            + " configured protocol. Optional.");
    p.put(PORT, "AMT WS-Management port. Default: 16992 for http, 16993 for https. Optional.");
    p.put(
        CERT_FINGERPRINT,
        "SHA-256 fingerprint of the AMT's TLS certificate (64 hex digits, colons allowed);"
            + " https only. When set, exactly this certificate is trusted. Optional.");
    p.put(
        VERIFY_CA,
        "false to accept any TLS certificate (insecure; for testing only). Default: true."
            + " Optional.");
    return Collections.unmodifiableMap(p);
  }

  private static Map<String, String> consoleProperties() {
    Map<String, String> p = new LinkedHashMap<>(PROPERTIES);
    p.put(
        REDIRECTION_PORT,
        "AMT redirection (Serial-over-LAN) port. Default: 16994 for http, 16995 (TLS) for"
            + " https. Optional.");
    return Collections.unmodifiableMap(p);
  }

  /**
   * The redirection port of a node: {@value #REDIRECTION_PORT}, or the default for the endpoint's
   * protocol.
   *
   * @throws InvalidParameterValueException when the value is not a port number
   */
  public static int redirectionPort(Node node, AmtEndpoint endpoint)
      throws InvalidParameterValueException {
    List<String> problems = new ArrayList<>();
    Object value = node.driverInfo().get(REDIRECTION_PORT);
    int fallback = endpoint.https() ? REDIRECTION_HTTPS_PORT : REDIRECTION_HTTP_PORT;
    int port = fallback;
    if (value != null && !value.toString().isBlank()) {
      try {
        port =
            value instanceof Number n && n.doubleValue() == n.intValue()
                ? n.intValue()
                : Integer.parseInt(value.toString().trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        problems.add(REDIRECTION_PORT + " must be an integer in 1-65535, got '" + value + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidParameterValueException(
          "Node " + node.displayName() + ": invalid AMT driver_info: " + problems.get(0) + ".");
    }
    return port;
  }

  /** Parses the driver_info of a node; messages name the node. */
  public static AmtEndpoint parse(Node node, AmtProtocol defaultProtocol)
      throws MissingParameterValueException, InvalidParameterValueException {
    return parse("Node " + node.displayName(), node.driverInfo(), defaultProtocol);
  }

  /**
   * Parses AMT driver_info.
   *
   * @param label how messages name the target, for example {@code Node n1}
   * @param info the driver_info
   * @param defaultProtocol the protocol when amt_protocol is absent
   * @throws MissingParameterValueException naming every required key that is absent or empty
   * @throws InvalidParameterValueException naming every key with a bad value
   */
  public static AmtEndpoint parse(
      String label, Map<String, Object> info, AmtProtocol defaultProtocol)
      throws MissingParameterValueException, InvalidParameterValueException {
    List<String> missing = new ArrayList<>();
    for (String key : REQUIRED) {
      Object value = info.get(key);
      if (value == null || value.toString().isBlank()) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingParameterValueException(
          label
              + ": the AMT driver requires the following to be set in node's driver_info: "
              + missing
              + ".",
          missing);
    }
    List<String> problems = new ArrayList<>();
    String address = address(problems, info.get(ADDRESS).toString().trim());
    String username = info.get(USERNAME).toString();
    String password = info.get(PASSWORD).toString();

    AmtProtocol protocol = defaultProtocol;
    Object protocolValue = info.get(PROTOCOL);
    if (protocolValue != null && !protocolValue.toString().isEmpty()) {
      protocol = AmtProtocol.fromValue(protocolValue.toString()).orElse(null);
      if (protocol == null) {
        problems.add(
            PROTOCOL + " must be 'http' or 'https' (case-sensitive), got '" + protocolValue + "'");
      }
    }
    int port = port(problems, info.get(PORT), protocol);
    String fingerprint = fingerprint(problems, info.get(CERT_FINGERPRINT));
    Boolean verifyCa = bool(problems, VERIFY_CA, info.get(VERIFY_CA), true);
    if (protocol == AmtProtocol.HTTP && fingerprint != null) {
      problems.add(
          CERT_FINGERPRINT
              + " is set but the protocol is http; set "
              + PROTOCOL
              + "=https or remove "
              + CERT_FINGERPRINT);
    }
    if (!problems.isEmpty()) {
      throw new InvalidParameterValueException(
          label + ": invalid AMT driver_info: " + String.join("; ", problems) + ".");
    }
    return new AmtEndpoint(
        label,
        address,
        port,
        protocol == AmtProtocol.HTTPS,
        username,
        password,
        fingerprint,
        verifyCa);
  }

  private static String address(List<String> problems, String value) {
    String address = value;
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    if (address.contains("/") || address.chars().anyMatch(Character::isWhitespace)) {
      problems.add(
          ADDRESS
              + " must be a host name or IP address, without scheme or path, got '"
              + value
              + "'");
    } else if (address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':')) {
      problems.add(ADDRESS + " must not carry a port ('" + value + "'); set the port in " + PORT);
    }
    return address;
  }

  private static int port(List<String> problems, Object value, AmtProtocol protocol) {
    int fallback = protocol == null ? AmtProtocol.HTTP.defaultPort() : protocol.defaultPort();
    if (value == null || value.toString().isBlank()) {
      return fallback;
    }
    try {
      int port =
          value instanceof Number n && n.doubleValue() == n.intValue()
              ? n.intValue()
              : Integer.parseInt(value.toString().trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(PORT + " must be an integer in 1-65535, got '" + value + "'");
    return fallback;
  }

  private static String fingerprint(List<String> problems, Object value) {
    if (value == null || value.toString().isBlank()) {
      return null;
    }
    String hex = value.toString().trim().replace(":", "").toLowerCase(Locale.ROOT);
    if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      problems.add(
          CERT_FINGERPRINT
              + " must be a SHA-256 fingerprint (64 hex digits, colons allowed), got '"
              + value
              + "'");
      return null;
    }
    return hex;
  }

  private static Boolean bool(List<String> problems, String key, Object value, boolean fallback) {
    if (value == null || value.toString().isBlank()) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    switch (text) {
      case "true", "yes", "1", "on":
        return true;
      case "false", "no", "0", "off":
        return false;
      default:
        problems.add(key + " must be true or false, got '" + value + "'");
        return fallback;
    }
  }
}
