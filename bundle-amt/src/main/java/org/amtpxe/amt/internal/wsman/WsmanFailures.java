package org.amtpxe.amt.internal.wsman;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.DriverUnavailableException;
import org.amtpxe.api.error.OperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.dom4j.Element;

/**
 * The one place that turns what happened on the wire into the API's errors: I/O failures, HTTP
 * status codes, SOAP faults (on 400, 500 or any status) and method ReturnValues
 * (docs/amt-wsman.md#faults, docs/amt-wsman.md#returnvalues).
 */
public final class WsmanFailures {

  /** Ironic's advice when an AMT cannot be reached, kept because operators know it. */
  static final String CONNECT_ADVICE =
      "This could be caused by the wrong amt_address or bad network environment.";

  private static final String CREDENTIALS_ADVICE = "check amt_username / amt_password";

  /** ReturnValue meanings of CIM_PowerManagementService.RequestPowerStateChange. */
  private static final Map<Integer, String> POWER_CHANGE_MEANINGS =
      Map.ofEntries(
          Map.entry(0, "completed with no error"),
          Map.entry(1, "not supported"),
          Map.entry(
              2,
              "unknown or unspecified error (firmware answers this for a request that is"
                  + " impossible in the current power state)"),
          Map.entry(3, "cannot complete within timeout period"),
          Map.entry(4, "failed"),
          Map.entry(5, "invalid parameter"),
          Map.entry(6, "in use"),
          Map.entry(4096, "method parameters checked, job started"),
          Map.entry(4097, "invalid state transition"),
          Map.entry(4098, "use of timeout parameter not supported"),
          Map.entry(4099, "busy"));

  /** ReturnValue meanings of CIM_BootConfigSetting.ChangeBootOrder and SetBootConfigRole. */
  private static final Map<Integer, String> BOOT_MEANINGS =
      Map.of(
          0, "completed with no error",
          1, "not supported",
          2, "unknown or unspecified error",
          3, "busy",
          4, "invalid reference",
          5, "invalid parameter",
          6, "access denied (in Client Control Mode boot changes need user consent)");

  /** Intel PT_STATUS codes that come back as ReturnValue 32768 + code. */
  private static final Map<Integer, String> PT_STATUS =
      Map.of(
          0x1, "INTERNAL_ERROR",
          0x2, "NOT_READY",
          0x24, "INVALID_PARAMETER",
          0x802, "UNSUPPORTED_BOOT_OPTION",
          0x821, "USER_CONSENT_REQUIRED");

  private static final int VENDOR_BASE = 32768;

  private WsmanFailures() {}

  private static String prefix(AmtEndpoint endpoint) {
    return endpoint.label() + ": ";
  }

  private static String call(AmtEndpoint endpoint, WsmanRequest request) {
    return prefix(endpoint) + "AMT call " + request.operation() + " to " + endpoint.where();
  }

  /** What a failed exchange means: refused, unreachable, timed out, TLS refused, reset... */
  public static DriverException forIo(
      AmtEndpoint endpoint, WsmanRequest request, IOException failure) {
    if (failure instanceof ConnectTimeoutException) {
      return new ConnectionFailedException(
          prefix(endpoint)
              + "Failed to connect to AMT service at "
              + endpoint.where()
              + ": connect timed out. "
              + CONNECT_ADVICE,
          failure);
    }
    if (failure instanceof SocketTimeoutException || failure instanceof InterruptedIOException) {
      return new DeviceTimeoutException(
          call(endpoint, request)
              + " timed out waiting for the reply ("
              + failure.getMessage()
              + "). The AMT may be busy or asleep; read_timeout sets the limit.",
          failure);
    }
    if (failure instanceof ConnectException
        || failure instanceof NoRouteToHostException
        || failure instanceof UnknownHostException) {
      return new ConnectionFailedException(
          prefix(endpoint)
              + "Failed to connect to AMT service at "
              + endpoint.where()
              + " ("
              + failure.getClass().getSimpleName()
              + ": "
              + failure.getMessage()
              + "). "
              + CONNECT_ADVICE,
          failure);
    }
    if (failure instanceof SSLException) {
      return forTls(endpoint, (SSLException) failure);
    }
    if (failure instanceof NoHttpResponseException) {
      return new ConnectionFailedException(
          call(endpoint, request)
              + " failed: the AMT closed the connection without a reply. A management engine that"
              + " sleeps does this until it is awake: keep awake_interval shorter than the AMT's"
              + " idle timeout, or raise wake_attempts / wake_retry_delay_ms if it wakes slowly. "
              + CONNECT_ADVICE,
          failure);
    }
    return new ConnectionFailedException(
        call(endpoint, request)
            + " failed on the connection ("
            + failure.getClass().getSimpleName()
            + ": "
            + failure.getMessage()
            + "). "
            + CONNECT_ADVICE,
        failure);
  }

  private static DriverException forTls(AmtEndpoint endpoint, SSLException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AmtTls.FingerprintMismatchException mismatch) {
        return new ConnectionFailedException(
            prefix(endpoint)
                + "TLS to AMT at "
                + endpoint.where()
                + " refused: "
                + mismatch.getMessage()
                + ". Fix amt_cert_fingerprint if the device's certificate legitimately changed.",
            failure);
      }
      if (t instanceof AmtTls.UntrustedCertificateException untrusted) {
        return new ConnectionFailedException(
            prefix(endpoint)
                + "TLS to AMT at "
                + endpoint.where()
                + " refused: "
                + untrusted.getMessage()
                + ". Pin it with amt_cert_fingerprint="
                + AmtTls.colons(untrusted.presented())
                + " after checking it on the device, or add its CA to the configured"
                + " truststore.",
            failure);
      }
    }
    if (failure instanceof SSLPeerUnverifiedException) {
      return new ConnectionFailedException(
          prefix(endpoint)
              + "TLS to AMT at "
              + endpoint.where()
              + " refused: the certificate does not name amt_address ("
              + failure.getMessage()
              + "). Use the name in the certificate as amt_address, or pin the certificate"
              + " with amt_cert_fingerprint.",
          failure);
    }
    return new ConnectionFailedException(
        prefix(endpoint)
            + "TLS handshake with AMT at "
            + endpoint.where()
            + " failed ("
            + failure.getMessage()
            + "). Old AMT firmware speaks only TLS 1.0/1.1, which the JVM disables; check"
            + " amt_protocol and amt_port.",
        failure);
  }

  /** The device still refused the credentials after one authenticated retry. */
  public static AuthenticationFailedException authenticationFailed(
      AmtEndpoint endpoint, WsmanRequest request) {
    return new AuthenticationFailedException(
        call(endpoint, request)
            + " was refused: HTTP 401 for user '"
            + endpoint.username()
            + "' after one authenticated attempt; "
            + CREDENTIALS_ADVICE
            + ". Not retried further, because repeated failures lock the AMT account.");
  }

  /** An HTTP error status, with the fault the body carried if any. */
  public static DriverException forHttpStatus(
      AmtEndpoint endpoint, WsmanRequest request, int status, SoapFault fault) {
    if (fault != null) {
      return forFault(endpoint, request, status, fault);
    }
    String hint =
        switch (status) {
          case 403 -> " The user lacks the rights for this call (check the AMT user's realms).";
          case 404 -> " No WS-Management service at " + Wsman.PATH + "; is this an AMT port?";
          case 503 -> " The service is unavailable; retry later.";
          default -> "";
        };
    return OperationFailedException.builder(request.operation())
        .httpStatus(status)
        .message(
            call(endpoint, request) + " failed: HTTP " + status + " without a SOAP fault." + hint)
        .build();
  }

  /** A SOAP fault. Intrinsic operations (Get, Put) report their errors this way. */
  public static OperationFailedException forFault(
      AmtEndpoint endpoint, WsmanRequest request, int status, SoapFault fault) {
    String local = fault.subcodeLocalName();
    String hint = "";
    if ("QuotaLimit".equals(local)) {
      hint = " The AMT is busy servicing other requests; retry later.";
    } else if ("AccessDenied".equals(local)) {
      hint =
          " The AMT user lacks the rights, or (Client Control Mode) the change needs user"
              + " consent.";
    } else if ("DestinationUnreachable".equals(local)) {
      hint = " The firmware has no such class or instance.";
    }
    StringBuilder message =
        new StringBuilder(call(endpoint, request)).append(" failed: HTTP ").append(status);
    message
        .append(", SOAP fault ")
        .append(fault.subcode() != null ? fault.subcode() : fault.code());
    if (fault.reason() != null) {
      message.append(": ").append(fault.reason());
    }
    if (fault.detail() != null) {
      message.append(" (").append(fault.detail()).append(')');
    }
    message.append('.').append(hint);
    return OperationFailedException.builder(request.operation())
        .httpStatus(status)
        .fault(
            fault.subcode() != null ? fault.subcode() : fault.code(),
            fault.reason(),
            fault.detail())
        .message(message.toString())
        .build();
  }

  /** A reply that could not be used: not XML, a DOCTYPE, too large, or the wrong shape. */
  public static DeviceCommunicationException unusableReply(
      AmtEndpoint endpoint, WsmanRequest request, int status, String why, Throwable cause) {
    return new DeviceCommunicationException(
        call(endpoint, request)
            + " returned an unusable reply (HTTP "
            + status
            + "): "
            + why
            + ". Is this an Intel AMT?",
        cause);
  }

  /** The exchange was cut off: its reply had not arrived in full by the deadline. */
  public static DeviceTimeoutException deadlineExceeded(
      AmtEndpoint endpoint, WsmanRequest request, Duration deadline, IOException failure) {
    return new DeviceTimeoutException(
        call(endpoint, request)
            + " was cut off: its reply had not arrived in full after "
            + (deadline.toMillis() % 1000 == 0
                ? deadline.toSeconds() + " s"
                : deadline.toMillis() + " ms")
            + " (twice connect_timeout + read_timeout). The AMT or the network is very slow;"
            + " raise read_timeout if this AMT is always this slow.",
        failure);
  }

  /** The per-host lock was not free within the limit: another call to the AMT is hanging. */
  public static DeviceTimeoutException hostBusy(
      AmtEndpoint endpoint, WsmanRequest request, Duration waited) {
    return new DeviceTimeoutException(
        call(endpoint, request)
            + " did not start: another call to this AMT has been in progress for more than "
            + waited.toSeconds()
            + " s (one request at a time per AMT).");
  }

  /** The wake-up connection attempts all failed. */
  public static ConnectionFailedException wakeFailed(
      AmtEndpoint endpoint, int attempts, IOException last) {
    return new ConnectionFailedException(
        prefix(endpoint)
            + "Failed to connect to AMT service at "
            + endpoint.where()
            + ": "
            + attempts
            + " wake-up connection attempts failed (last: "
            + (last == null ? "none" : last.getClass().getSimpleName() + ": " + last.getMessage())
            + "). "
            + CONNECT_ADVICE,
        last);
  }

  /** The TLS setup (trust managers, SSL context) could not be built. */
  public static ConnectionFailedException tlsSetupFailed(
      AmtEndpoint endpoint, java.security.GeneralSecurityException failure) {
    return new ConnectionFailedException(
        prefix(endpoint)
            + "cannot set up TLS for AMT at "
            + endpoint.where()
            + ": "
            + failure.getMessage()
            + ". Check the truststore configuration.",
        failure);
  }

  /** The driver is stopping (bundle stopped or updated) while a call wanted to start. */
  public static DriverUnavailableException stopped(AmtEndpoint endpoint, WsmanRequest request) {
    return new DriverUnavailableException(
        call(endpoint, request) + " was not sent: the AMT driver is stopping; retry.");
  }

  /** The thread was interrupted while waiting for the AMT. */
  public static DeviceCommunicationException interrupted(
      AmtEndpoint endpoint, WsmanRequest request) {
    return new DeviceCommunicationException(call(endpoint, request) + " was interrupted.");
  }

  /**
   * Checks a method's {@code <Method>_OUTPUT}: ReturnValue 0 passes, anything else is an {@link
   * OperationFailedException} with the meaning of the value for that method.
   */
  public static void checkReturnValue(AmtEndpoint endpoint, WsmanRequest request, Element output)
      throws DriverException {
    Element value = output.element(Wsman.inClass(request.resourceUri(), "ReturnValue"));
    if (value == null) {
      throw unusableReply(endpoint, request, 200, output.getName() + " has no ReturnValue", null);
    }
    int returnValue;
    try {
      returnValue = Integer.parseInt(value.getTextTrim());
    } catch (NumberFormatException e) {
      throw unusableReply(
          endpoint, request, 200, "ReturnValue '" + value.getTextTrim() + "' is not a number", e);
    }
    if (returnValue == 0) {
      return;
    }
    String meaning = returnValueMeaning(request.operation(), returnValue);
    throw OperationFailedException.builder(request.operation())
        .httpStatus(200)
        .returnValue(returnValue, meaning)
        .message(
            call(endpoint, request) + " failed: ReturnValue " + returnValue + " (" + meaning + ").")
        .build();
  }

  /** What a method's ReturnValue means (docs/amt-wsman.md#returnvalues). */
  public static String returnValueMeaning(String method, int returnValue) {
    if (returnValue >= VENDOR_BASE) {
      int status = returnValue - VENDOR_BASE;
      String name = PT_STATUS.get(status);
      return "Intel PT_STATUS 0x"
          + Integer.toHexString(status).toUpperCase(java.util.Locale.ROOT)
          + (name == null ? "" : " " + name);
    }
    Map<Integer, String> table =
        switch (method) {
          case "RequestPowerStateChange" -> POWER_CHANGE_MEANINGS;
          case "ChangeBootOrder", "SetBootConfigRole" -> BOOT_MEANINGS;
          default -> Map.of();
        };
    return table.getOrDefault(returnValue, "unknown return value");
  }
}
