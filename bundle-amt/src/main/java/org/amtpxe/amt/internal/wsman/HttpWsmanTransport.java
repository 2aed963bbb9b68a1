package org.amtpxe.amt.internal.wsman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.amtpxe.api.error.DriverException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends WS-Management requests to one AMT with HttpClient 5 (classic): one request in flight per
 * AMT, a wake-up when due, Digest authentication, connect and read timeouts and a deadline for the
 * whole exchange, a bounded and safely parsed reply. Every failure becomes an API error in {@link
 * WsmanFailures}.
 */
final class HttpWsmanTransport implements WsmanTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HttpWsmanTransport.class);

  private static final ContentType SOAP =
      ContentType.create("application/soap+xml", StandardCharsets.UTF_8);

  private final AmtHosts hosts;
  private final AmtEndpoint endpoint;
  private final TransportSettings settings;

  HttpWsmanTransport(AmtHosts hosts, AmtEndpoint endpoint, TransportSettings settings) {
    this.hosts = hosts;
    this.endpoint = endpoint;
    this.settings = settings;
  }

  @Override
  public Document send(WsmanRequest request) throws DriverException {
    long start = System.nanoTime();
    String outcome = "unexpected";
    try {
      Document reply = sendOnce(request);
      outcome = WsmanMeters.OK;
      return reply;
    } catch (DriverException e) {
      outcome = WsmanMeters.outcomeOf(e);
      throw e;
    } finally {
      hosts.meters().exchange(request, outcome, start);
    }
  }

  private Document sendOnce(WsmanRequest request) throws DriverException {
    byte[] envelope = Envelopes.serialize(Envelopes.build(request, "uuid:" + UUID.randomUUID()));
    HostSession session = hosts.session(endpoint);
    if (session == null) {
      throw WsmanFailures.stopped(endpoint, request);
    }
    try {
      if (!session.lock.tryLock(settings.lockWait().toMillis(), TimeUnit.MILLISECONDS)) {
        throw WsmanFailures.hostBusy(endpoint, request, settings.lockWait());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw WsmanFailures.interrupted(endpoint, request);
    }
    try {
      boolean woken = hosts.wakeIfDue(endpoint, settings);
      // NOTE: a management engine closes connections without a reply until it is awake
      // (docs/amt-wsman.md#sleep: the first request or two may go unanswered). A request it left
      // unanswered right after a wake-up was never processed, so it is sent again,
      // wake_retry_delay_ms apart, up to wake_attempts times in all (Ironic's 5 pings 0.2 s apart
      // gave the same grace).
      int attempts = woken ? settings.wakeAttempts() : 1;
      for (int attempt = 1; ; attempt++) {
        try {
          return exchange(session, request, envelope);
        } catch (UnansweredException e) {
          if (attempt >= attempts) {
            throw WsmanFailures.forIo(endpoint, request, e.failure);
          }
          LOG.debug(
              "{}: {} unanswered while the AMT wakes (attempt {} of {}); sending it again",
              endpoint.label(),
              request.operation(),
              attempt,
              attempts);
          Thread.sleep(settings.wakeRetryDelay().toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw WsmanFailures.interrupted(endpoint, request);
    } finally {
      session.lock.unlock();
    }
  }

  /** The AMT closed the connection without a reply: it did not process the request. */
  private static final class UnansweredException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient IOException failure;

    UnansweredException(IOException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  private Document exchange(HostSession session, WsmanRequest request, byte[] envelope)
      throws DriverException, UnansweredException {
    CloseableHttpClient client;
    try {
      client = session.client(endpoint, settings, hosts.meters());
    } catch (GeneralSecurityException e) {
      throw WsmanFailures.tlsSetupFailed(endpoint, e);
    }
    HttpClientContext context = session.context(endpoint);
    HttpPost post =
        new HttpPost(
            endpoint.scheme() + "://" + endpoint.urlHost() + ":" + endpoint.port() + Wsman.PATH);
    post.setEntity(new ByteArrayEntity(envelope, SOAP));
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> deadline;
    try {
      deadline =
          hosts.atDeadline(
              settings.exchangeDeadline(),
              () -> {
                expired.set(true);
                post.cancel();
              });
    } catch (RejectedExecutionException e) {
      // NOTE: the driver stopped (drain_timeout passed) between this request taking its host's
      // session and sending: nothing was sent, the caller may retry with the next driver.
      throw WsmanFailures.stopped(endpoint, request);
    }
    int status;
    byte[] body;
    try (ClassicHttpResponse response = client.executeOpen(null, post, context)) {
      status = response.getCode();
      hosts.contact(endpoint);
      if (status == 401) {
        // NOTE: HttpClient has already answered the challenge once; a second 401 means the
        // credentials are wrong. Never retry further: AMT locks accounts
        // (docs/amt-wsman.md#digest).
        session.resetAuthentication();
        throw WsmanFailures.authenticationFailed(endpoint, request);
      }
      HttpEntity entity = response.getEntity();
      try {
        body = entity == null ? new byte[0] : readBody(entity);
      } catch (SafeXml.TooLargeException e) {
        // Drop the connection instead of draining an oversized body when it is closed.
        post.cancel();
        throw e;
      }
    } catch (SafeXml.TooLargeException e) {
      throw WsmanFailures.unusableReply(
          endpoint,
          request,
          0,
          "the reply is larger than max_reply_bytes (" + e.limit() + " bytes)",
          e);
    } catch (IOException e) {
      if (expired.get()) {
        throw WsmanFailures.deadlineExceeded(endpoint, request, settings.exchangeDeadline(), e);
      }
      if (e instanceof NoHttpResponseException) {
        throw new UnansweredException(e);
      }
      throw WsmanFailures.forIo(endpoint, request, e);
    } finally {
      deadline.cancel(false);
    }
    return interpret(request, status, body);
  }

  private byte[] readBody(HttpEntity entity) throws IOException {
    long limit = settings.maxReplyBytes();
    if (entity.getContentLength() > limit) {
      throw new SafeXml.TooLargeException(limit);
    }
    return SafeXml.readLimited(entity.getContent(), limit);
  }

  private Document interpret(WsmanRequest request, int status, byte[] body) throws DriverException {
    boolean success = status >= 200 && status < 300;
    Document reply = null;
    if (body.length > 0) {
      try {
        reply = SafeXml.parse(body);
      } catch (DocumentException e) {
        if (success) {
          throw WsmanFailures.unusableReply(
              endpoint,
              request,
              status,
              e instanceof SafeXml.DoctypeRefusedException
                  ? e.getMessage()
                  : "malformed XML: " + e.getMessage(),
              e);
        }
        // An error status with a body that is no SOAP (an HTML page): the status says it all.
      }
    }
    SoapFault fault = reply == null ? null : SoapFault.find(reply);
    if (!success || fault != null) {
      throw fault != null
          ? WsmanFailures.forFault(endpoint, request, status, fault)
          : WsmanFailures.forHttpStatus(endpoint, request, status, null);
    }
    if (reply == null || !Wsman.ENVELOPE.equals(reply.getRootElement().getQName())) {
      throw WsmanFailures.unusableReply(
          endpoint,
          request,
          status,
          reply == null ? "empty body" : "not a SOAP 1.2 envelope",
          null);
    }
    return reply;
  }
}
