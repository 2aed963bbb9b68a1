package org.amtpxe.amt.internal.sol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.ConnectionFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;

/**
 * Opens a Serial-over-LAN session on an AMT's redirection port: start the session, query the
 * authentication types, authenticate with Digest, send the SOL settings
 * (docs/amt-sol.md#handshake). Every step waits at most the step timeout; every length the AMT
 * sends is checked against a bound before anything is read. A refused login is reported once and
 * never retried.
 */
public final class SolClient {

  /** The most authentication data an AMT reply may carry (realm, nonce and qop fit in far less). */
  static final int MAX_AUTH_DATA = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  private SolClient() {}

  /**
   * Connects, authenticates and starts SOL.
   *
   * @param target the AMT
   * @param settings timeouts and bounds
   * @param keepAlives where the session's heartbeats are scheduled
   * @return the open session
   * @throws ConnectionFailedException when the port cannot be reached or closes during the
   *     handshake (a disabled listener)
   * @throws DeviceTimeoutException when a step is not answered in time
   * @throws AuthenticationFailedException when the AMT refuses the credentials
   * @throws OperationFailedException when the AMT refuses the session (busy, SOL disabled) or
   *     offers no safe authentication
   * @throws DeviceCommunicationException when a reply is malformed or out of bounds
   */
  public static SolSession open(
      SolTarget target, RedirectionSettings settings, ScheduledExecutorService keepAlives)
      throws DriverException {
    Socket socket = connect(target, settings);
    try {
      Handshake h = new Handshake(target, settings, socket);
      h.run();
      return new SolSession(target, settings, socket, h.in, h.sequence, keepAlives);
    } catch (DriverException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  private static Socket connect(SolTarget target, RedirectionSettings settings)
      throws DriverException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(target.host(), target.port()),
          (int) settings.connectTimeout().toMillis());
      if (target.tls() != null) {
        SSLSocket tls =
            (SSLSocket) target.tls().createSocket(socket, target.host(), target.port(), true);
        if (target.verifyHostname()) {
          javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
          tls.setSSLParameters(parameters);
        }
        tls.setSoTimeout((int) settings.stepTimeout().toMillis());
        tls.startHandshake();
        return tls;
      }
      return socket;
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw new DeviceTimeoutException(
          target.label()
              + ": the AMT redirection port "
              + target.where()
              + " did not accept a connection within "
              + settings.connectTimeout().toMillis()
              + " ms.",
          e);
    } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
      closeQuietly(socket);
      throw new ConnectionFailedException(
          target.label()
              + ": cannot connect to the AMT redirection port "
              + target.where()
              + " ("
              + e.getMessage()
              + "). Check amt_address, that the AMT is on the network and that its redirection"
              + " listener is enabled (enable the console, which enables it over WS-Man).",
          e);
    } catch (SSLException e) {
      closeQuietly(socket);
      throw new ConnectionFailedException(
          target.label()
              + ": the TLS handshake with the AMT redirection port "
              + target.where()
              + " failed: "
              + e.getMessage()
              + ". Check amt_cert_fingerprint / amt_verify_ca as for WS-Man.",
          e);
    } catch (IOException e) {
      closeQuietly(socket);
      throw new ConnectionFailedException(
          target.label()
              + ": cannot connect to the AMT redirection port "
              + target.where()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The handshake's state: the stream, the deadline per step, the console's sequence numbers. */
  private static final class Handshake {
    private final SolTarget target;
    private final RedirectionSettings settings;
    private final Socket socket;
    private final InputStream in;
    private int sequence;
    private String step = "connect";

    Handshake(SolTarget target, RedirectionSettings settings, Socket socket)
        throws DriverException {
      this.target = target;
      this.settings = settings;
      this.socket = socket;
      try {
        socket.setSoTimeout((int) settings.stepTimeout().toMillis());
        this.in = socket.getInputStream();
      } catch (IOException e) {
        throw broken(e);
      }
    }

    void run() throws DriverException {
      startSession();
      int[] offered = queryAuthentication();
      authenticate(offered);
      startSol();
    }

    private void startSession() throws DriverException {
      step = "StartRedirectionSession";
      send(Redirection.startSession());
      byte[] head = read(4);
      expect(head[0], Redirection.START_REDIRECTION_SESSION_REPLY);
      int status = head[1] & 0xFF;
      if (status != Redirection.STATUS_SUCCESS) {
        throw refused(
            "refused the SOL redirection session: "
                + Redirection.startStatus(status)
                + (status == Redirection.STATUS_BUSY
                    ? ". Close the other session (another SOL client, or an enabled console on"
                        + " another conductor) and try again."
                    : ". Enable the console, which enables SOL in AMT_RedirectionService."));
      }
      byte[] rest = read(Redirection.START_SESSION_REPLY_LENGTH - 4);
      int oemLength = rest[rest.length - 1] & 0xFF;
      read(oemLength); // OEM-defined bytes: at most 255, skipped
    }

    private int[] queryAuthentication() throws DriverException {
      step = "AuthenticateSession (query)";
      send(Redirection.authenticate(Redirection.AUTH_QUERY, new byte[0]));
      AuthReply reply = readAuthReply();
      if (reply.status != Redirection.AUTH_SUCCESS) {
        throw refused("refused to list its authentication types (status " + reply.status + ")");
      }
      int[] offered = new int[reply.data.length];
      for (int i = 0; i < offered.length; i++) {
        offered[i] = reply.data[i] & 0xFF;
      }
      return offered;
    }

    private void authenticate(int[] offered) throws DriverException {
      if (contains(offered, Redirection.AUTH_DIGEST)) {
        digest();
      } else if (contains(offered, Redirection.AUTH_USER_PASSWORD) && target.tls() != null) {
        userPassword();
      } else {
        // NOTE: plain user/password authentication sends the password as it is; over plain TCP
        // anyone on the path would read it (docs/amt-sol.md#authentication).
        throw refused(
            "offers no authentication this driver uses over "
                + (target.tls() == null ? "plain TCP" : "TLS")
                + " (offered types "
                + java.util.Arrays.toString(offered)
                + "; Digest is type 4). Use amt_protocol=https so that the password travels inside"
                + " TLS, or update the AMT firmware.");
      }
    }

    private void digest() throws DriverException {
      step = "AuthenticateSession (digest challenge)";
      byte[] user = target.username().getBytes(StandardCharsets.UTF_8);
      byte[] uri = Redirection.DIGEST_URI.getBytes(StandardCharsets.US_ASCII);
      send(
          Redirection.authenticate(
              Redirection.AUTH_DIGEST,
              fields(
                  user,
                  new byte[0],
                  new byte[0],
                  uri,
                  new byte[0],
                  new byte[0],
                  new byte[0],
                  new byte[0])));
      AuthReply challenge = readAuthReply();
      if (challenge.authType != Redirection.AUTH_DIGEST
          || challenge.status != Redirection.AUTH_FAILURE) {
        throw malformed(
            "answered the Digest request with type "
                + challenge.authType
                + " status "
                + challenge.status
                + " instead of a challenge");
      }
      Fields f = new Fields(challenge.data);
      String realm = f.next("realm");
      String nonce = f.next("nonce");
      String qop = f.next("qop");
      String cnonce = HexFormat.of().formatHex(randomBytes(16));
      String nc = "00000001";
      String ha1 = md5(target.username() + ":" + realm + ":" + target.password());
      String ha2 = md5("POST:" + Redirection.DIGEST_URI);
      String response = md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
      step = "AuthenticateSession (digest response)";
      send(
          Redirection.authenticate(
              Redirection.AUTH_DIGEST,
              fields(
                  user,
                  ascii(realm),
                  ascii(nonce),
                  uri,
                  ascii(cnonce),
                  ascii(nc),
                  ascii(response),
                  ascii(qop))));
      checkLogin(readAuthReply());
    }

    private void userPassword() throws DriverException {
      step = "AuthenticateSession (user/password over TLS)";
      send(
          Redirection.authenticate(
              Redirection.AUTH_USER_PASSWORD,
              fields(
                  target.username().getBytes(StandardCharsets.UTF_8),
                  target.password().getBytes(StandardCharsets.UTF_8))));
      checkLogin(readAuthReply());
    }

    private void checkLogin(AuthReply reply) throws DriverException {
      if (reply.status != Redirection.AUTH_SUCCESS) {
        throw new AuthenticationFailedException(
            target.label()
                + ": the AMT at "
                + target.where()
                + " refused user '"
                + target.username()
                + "' for the redirection session. Not retried: AMT locks the account after"
                + " repeated failures. Check amt_username and amt_password.");
      }
    }

    private void startSol() throws DriverException {
      step = "StartSOLRedirection";
      send(Redirection.startSol(sequence++, settings));
      byte[] reply = read(Redirection.START_SOL_REPLY_LENGTH);
      expect(reply[0], Redirection.START_SOL_REDIRECTION_REPLY);
      int status = reply[1] & 0xFF;
      if (status != Redirection.STATUS_SUCCESS) {
        throw refused("refused to start SOL (status " + status + ")");
      }
    }

    private AuthReply readAuthReply() throws DriverException {
      byte[] head = read(Redirection.AUTH_HEADER_LENGTH);
      expect(head[0], Redirection.AUTHENTICATE_SESSION_REPLY);
      long length =
          ByteBuffer.wrap(head, 5, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
      if (length > MAX_AUTH_DATA) {
        throw malformed(
            "announced " + length + " bytes of authentication data, more than " + MAX_AUTH_DATA);
      }
      return new AuthReply(head[1] & 0xFF, head[4] & 0xFF, read((int) length));
    }

    private void send(byte[] message) throws DriverException {
      try {
        socket.getOutputStream().write(message);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        throw broken(e);
      }
    }

    private byte[] read(int n) throws DriverException {
      byte[] buffer = new byte[n];
      int done = 0;
      long deadline = System.nanoTime() + settings.stepTimeout().toNanos();
      try {
        while (done < n) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            throw new SocketTimeoutException();
          }
          socket.setSoTimeout((int) Math.max(1, left));
          int r = in.read(buffer, done, n - done);
          if (r < 0) {
            throw new EOFException();
          }
          done += r;
        }
        return buffer;
      } catch (SocketTimeoutException e) {
        throw new DeviceTimeoutException(
            target.label()
                + ": the AMT at "
                + target.where()
                + " did not answer "
                + step
                + " within "
                + settings.stepTimeout().toMillis()
                + " ms.",
            e);
      } catch (EOFException e) {
        throw new ConnectionFailedException(
            target.label()
                + ": the AMT at "
                + target.where()
                + " closed the redirection connection during "
                + step
                + (done == 0 ? "" : " in the middle of a message (" + done + " of " + n + " bytes)")
                + ". Its redirection listener may be disabled or SOL not allowed; enabling the"
                + " console enables both.",
            e);
      } catch (IOException e) {
        throw broken(e);
      }
    }

    private void expect(byte actual, int expected) throws DriverException {
      if ((actual & 0xFF) != expected) {
        throw malformed(
            String.format(
                "answered %s with message type 0x%02X instead of 0x%02X",
                step, actual & 0xFF, expected));
      }
    }

    private OperationFailedException refused(String what) {
      return OperationFailedException.builder("open SOL session")
          .message(target.label() + ": the AMT at " + target.where() + " " + what + ".")
          .build();
    }

    private DeviceCommunicationException malformed(String what) {
      return new DeviceCommunicationException(
          target.label()
              + ": the AMT at "
              + target.where()
              + " "
              + what
              + "; the redirection session was closed.");
    }

    private ConnectionFailedException broken(IOException e) {
      return new ConnectionFailedException(
          target.label()
              + ": the redirection connection to "
              + target.where()
              + " failed during "
              + step
              + ": "
              + e.getMessage(),
          e);
    }

    /** The length-prefixed fields of a Digest reply, each read against what is left. */
    private final class Fields {
      private final byte[] data;
      private int at;

      Fields(byte[] data) {
        this.data = data;
      }

      String next(String name) throws DriverException {
        if (at >= data.length) {
          throw malformed("sent a Digest challenge without its " + name);
        }
        int length = data[at++] & 0xFF;
        if (length > data.length - at) {
          throw malformed(
              "sent a Digest challenge whose "
                  + name
                  + " claims "
                  + length
                  + " bytes but only "
                  + (data.length - at)
                  + " remain");
        }
        String value = new String(data, at, length, StandardCharsets.ISO_8859_1);
        at += length;
        return value;
      }
    }
  }

  private record AuthReply(int status, int authType, byte[] data) {}

  /** Length-prefixed fields (one length byte each, values of at most 255 bytes). */
  static byte[] fields(byte[]... values) {
    int size = 0;
    for (byte[] v : values) {
      if (v.length > 255) {
        throw new IllegalArgumentException("a redirection field is at most 255 bytes");
      }
      size += 1 + v.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (byte[] v : values) {
      b.put((byte) v.length).put(v);
    }
    return b.array();
  }

  private static boolean contains(int[] values, int wanted) {
    for (int v : values) {
      if (v == wanted) {
        return true;
      }
    }
    return false;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from the JDK", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
