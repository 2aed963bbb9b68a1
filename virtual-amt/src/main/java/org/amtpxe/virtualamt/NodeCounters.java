package org.amtpxe.virtualamt;

/**
 * Traffic counters of one virtual AMT since start or the last reset.
 *
 * @param connections TCP connections accepted (plain and TLS)
 * @param httpRequests HTTP requests received, whatever their outcome
 * @param unauthorized requests answered with 401
 * @param wsmanRequests authenticated WS-Man requests processed
 * @param faults SOAP faults sent
 * @param dropped requests whose connection was closed without a reply (ME asleep or injected)
 * @param wakeUps times a connection or request woke the sleeping management engine
 */
public record NodeCounters(
    long connections,
    long httpRequests,
    long unauthorized,
    long wsmanRequests,
    long faults,
    long dropped,
    long wakeUps) {

  /** No traffic: the start of a sum. */
  public static final NodeCounters ZERO = new NodeCounters(0, 0, 0, 0, 0, 0, 0);

  /** These counters and {@code other} added up, e.g. the traffic of many nodes. */
  public NodeCounters plus(NodeCounters other) {
    return new NodeCounters(
        connections + other.connections,
        httpRequests + other.httpRequests,
        unauthorized + other.unauthorized,
        wsmanRequests + other.wsmanRequests,
        faults + other.faults,
        dropped + other.dropped,
        wakeUps + other.wakeUps);
  }
}
