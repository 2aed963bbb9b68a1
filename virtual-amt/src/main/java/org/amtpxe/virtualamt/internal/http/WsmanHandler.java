package org.amtpxe.virtualamt.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amtpxe.virtualamt.RequestRecord;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.Switches.Fault;
import org.amtpxe.virtualamt.internal.cim.CimDispatcher;
import org.amtpxe.virtualamt.internal.node.AmtNode;
import org.amtpxe.virtualamt.internal.node.DigestAuth;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code POST /wsman} of one virtual AMT the way firmware does: the sleeping management
 * engine, Digest authentication with firmware's 401 page, injected faults, the one-at-a-time gate,
 * latency, and chunked SOAP replies with AMT's {@code Server} header.
 */
final class WsmanHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WsmanHandler.class);
  private static final int MAX_BODY = 1 << 20;
  private static final String SOAP_CONTENT_TYPE = "application/soap+xml; charset=UTF-8";

  private final ScheduledExecutorService scheduler;

  WsmanHandler(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Handles a request to the node's port; always takes it. */
  void handle(AmtNode node, Request request, Response response, Callback callback) {
    Instant time = Instant.now();
    long arrival = System.nanoTime();
    node.stats().httpRequest();
    if (!"/wsman".equals(request.getHttpURI().getPath())) {
      plain(node, response, callback, 404, "Not Found");
      node.stats().log(new RequestRecord(time, "-", "-", 404, "not-found"));
      return;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      plain(node, response, callback, 405, "Method Not Allowed");
      node.stats().log(new RequestRecord(time, "-", "-", 405, "method-not-allowed"));
      return;
    }
    Switches switches = node.switches();
    long wait = node.engine().admit(arrival, switches);
    if (wait > 0 && switches.meSleepMode() == Switches.SleepMode.DROP) {
      drop(node, request, callback, time, "dropped:me-asleep");
      return;
    }
    Content.Source.asByteArrayAsync(
        request,
        MAX_BODY,
        Promise.Invocable.from(
            InvocationType.BLOCKING,
            (byte[] body, Throwable failure) -> {
              if (failure != null) {
                plain(node, response, callback, 413, "Request Entity Too Large");
                node.stats().log(new RequestRecord(time, "-", "-", 413, "body-unreadable"));
                return;
              }
              if (wait > 0) {
                scheduler.schedule(
                    () -> authenticate(node, request, response, callback, body, time),
                    wait,
                    TimeUnit.NANOSECONDS);
              } else {
                authenticate(node, request, response, callback, body, time);
              }
            }));
  }

  private void authenticate(
      AmtNode node,
      Request request,
      Response response,
      Callback callback,
      byte[] body,
      Instant time) {
    try {
      long now = System.nanoTime();
      // Any request the engine answers keeps it awake, a challenge too: a request held while the
      // engine woke must not leave it to fall asleep before the client's authenticated retry.
      node.engine().activity(now);
      Switches switches = node.switches();
      if (node.lockedOut(now)) {
        challenge(node, response, callback, false, time, "locked-out");
        return;
      }
      DigestAuth.Verdict verdict =
          node.digest()
              .verify(
                  request.getMethod(),
                  request.getHttpURI().getPathQuery(),
                  request.getHeaders().get(HttpHeader.AUTHORIZATION),
                  body,
                  switches.nonceLifetime());
      switch (verdict) {
        case OK:
          break;
        case STALE:
          challenge(node, response, callback, true, time, "stale-nonce");
          return;
        case WRONG_CREDENTIALS:
          node.loginFailed(now);
          challenge(node, response, callback, false, time, "unauthorized:wrong-credentials");
          return;
        case REPLAY:
          challenge(node, response, callback, false, time, "unauthorized:nonce-count-reused");
          return;
        case MALFORMED:
          challenge(node, response, callback, false, time, "unauthorized:malformed");
          return;
        default:
          challenge(node, response, callback, false, time, "unauthorized");
          return;
      }
      node.loginSucceeded();
      Optional<Fault> fault = node.faults().next(switches);
      if (fault.isPresent() && fault.get() == Fault.DROP) {
        drop(node, request, callback, time, "injected:drop");
        return;
      }
      Fault injected = fault.orElse(null);
      boolean admitted =
          node.gate()
              .enter(
                  switches.concurrency(),
                  () -> serve(node, response, callback, body, time, injected));
      if (!admitted) {
        CimDispatcher.Result busy = node.refuse(body, WsmanFault.quotaLimit());
        record(node, busy, switches.faultHttpStatus(), time, null);
        writeSoap(
            node, response, switches.faultHttpStatus(), busy.reply().toBytes(), callback, () -> {});
      }
    } catch (RuntimeException e) {
      LOG.warn("Node {}: request failed inside the emulator", node.name(), e);
      plain(node, response, callback, 500, "Internal Server Error");
    }
  }

  private void serve(
      AmtNode node,
      Response response,
      Callback callback,
      byte[] body,
      Instant time,
      Fault injected) {
    // NOTE: the request leaves the gate before the reply's last chunk is written: a client that has
    // read the whole reply may send its next request at once, and one-at-a-time firmware serves
    // it (MeshCommander's and the driver's one-request-in-flight rule relies on this).
    AtomicBoolean left = new AtomicBoolean();
    Runnable leave =
        () -> {
          if (left.compareAndSet(false, true)) {
            node.gate().exit();
          }
        };
    Callback done =
        Callback.from(
            () -> {
              node.engine().activity(System.nanoTime());
              callback.succeeded();
              leave.run();
            },
            failure -> {
              callback.failed(failure);
              leave.run();
            });
    try {
      Switches switches = node.switches();
      CimDispatcher.Result result;
      int status;
      if (injected == Fault.HTTP_500) {
        result = node.refuse(body, WsmanFault.internalError("AMT-STATUS 1"));
        status = 500;
      } else {
        result = node.serve(body);
        status = result.fault() == null ? 200 : switches.faultHttpStatus();
      }
      byte[] bytes = result.reply().toBytes();
      if (injected == Fault.MALFORMED_XML) {
        bytes = Arrays.copyOf(bytes, bytes.length / 2);
      }
      record(node, result, status, time, injected);
      long delay =
          switches.latency().toNanos()
              + (injected == Fault.SLOW ? switches.slowDelay().toNanos() : 0);
      byte[] reply = bytes;
      if (delay > 0) {
        scheduler.schedule(
            () -> writeSoap(node, response, status, reply, done, leave),
            delay,
            TimeUnit.NANOSECONDS);
      } else {
        writeSoap(node, response, status, reply, done, leave);
      }
    } catch (RuntimeException e) {
      LOG.warn("Node {}: request failed inside the emulator", node.name(), e);
      plain(node, response, done, 500, "Internal Server Error");
    }
  }

  private static void record(
      AmtNode node, CimDispatcher.Result result, int status, Instant time, Fault injected) {
    node.stats().wsmanRequest();
    if (result.fault() != null) {
      node.stats().fault();
    }
    String outcome = result.outcome();
    if (injected != null) {
      outcome = outcome + " injected:" + injected.name().toLowerCase(Locale.ROOT);
    }
    node.stats()
        .log(new RequestRecord(time, result.operation(), result.className(), status, outcome));
  }

  /**
   * Writes a SOAP reply in two writes, so that it goes out chunked as firmware sends it; runs
   * {@code beforeLastChunk} before the terminating chunk.
   */
  private static void writeSoap(
      AmtNode node,
      Response response,
      int status,
      byte[] body,
      Callback callback,
      Runnable beforeLastChunk) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, SOAP_CONTENT_TYPE);
    headers.put(HttpHeader.SERVER, node.serverHeader());
    response.write(
        false,
        ByteBuffer.wrap(body),
        Callback.from(
            () -> {
              beforeLastChunk.run();
              response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            },
            callback::failed));
  }

  /**
   * Answers 401 as firmware does: its exact WWW-Authenticate layout, {@code text/html}, an HTML
   * page and {@code Connection: close}.
   */
  private static void challenge(
      AmtNode node,
      Response response,
      Callback callback,
      boolean stale,
      Instant time,
      String outcome) {
    node.stats().unauthorized();
    node.stats().log(new RequestRecord(time, "-", "-", 401, outcome));
    byte[] page = AmtNode.unauthorizedPage();
    response.setStatus(401);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.WWW_AUTHENTICATE, node.digest().challenge(stale));
    headers.put(HttpHeader.CONTENT_TYPE, "text/html");
    headers.put(HttpHeader.SERVER, node.serverHeader());
    headers.put(HttpHeader.CONTENT_LENGTH, page.length);
    headers.put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(page), callback);
  }

  /** Closes the TCP connection without a reply. */
  private static void drop(
      AmtNode node, Request request, Callback callback, Instant time, String outcome) {
    node.stats().dropped();
    node.stats().log(new RequestRecord(time, "-", "-", 0, outcome));
    request.getConnectionMetaData().getConnection().getEndPoint().close();
    callback.failed(new EofException(outcome));
  }

  private static void plain(
      AmtNode node, Response response, Callback callback, int status, String text) {
    byte[] page =
        ("<html><head><title>" + text + "</title></head><body>" + text + "</body></html>\n")
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html");
    response.getHeaders().put(HttpHeader.SERVER, node.serverHeader());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, page.length);
    response.write(true, ByteBuffer.wrap(page), callback);
  }
}
