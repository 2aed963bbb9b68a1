package org.amtpxe.conductor.internal.rest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who a request comes from: the TCP peer, or, when the peer is a trusted load balancer (the VIP in
 * front of the conductors that the deploy ramdisk's {@code api_url} names), the address that
 * balancer appended to {@code X-Forwarded-For}. Only the last entry is believed: the ones before it
 * are whatever the client sent.
 */
public final class ClientAddress {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** Longest X-Forwarded-For read; a longer one is refused. */
  static final int MAX_HEADER = 1024;

  private ClientAddress() {}

  /**
   * The client's address.
   *
   * @param peer the TCP peer's address
   * @param forwardedFor the X-Forwarded-For header, or null
   * @param trustedProxies normalized addresses of trusted load balancers
   * @return the address requests from this client are judged by
   * @throws ApiException 400 when a trusted proxy sent a header whose last entry is not an address
   */
  static String of(String peer, String forwardedFor, Set<String> trustedProxies)
      throws ApiException {
    if (trustedProxies.isEmpty() || forwardedFor == null) {
      return peer;
    }
    Optional<String> normalizedPeer = literal(peer);
    if (normalizedPeer.isEmpty() || !trustedProxies.contains(normalizedPeer.get())) {
      return peer;
    }
    String last =
        forwardedFor.length() > MAX_HEADER
            ? ""
            : forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).strip();
    return literal(last)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "The load balancer at "
                        + peer
                        + " sent an X-Forwarded-For whose last entry is not an IP address; make it"
                        + " append the client's address (HAProxy: option forwardfor)."));
  }

  /**
   * An IP literal as Java writes it ({@link InetAddress#getHostAddress()}), so that two spellings
   * of one address compare equal; no name is looked up.
   *
   * @return the normal form, or empty when the text is not an IP literal
   */
  public static Optional<String> literal(String text) {
    String t =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(t).getHostAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
