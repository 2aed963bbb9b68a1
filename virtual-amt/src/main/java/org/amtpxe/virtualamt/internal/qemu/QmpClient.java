package org.amtpxe.virtualamt.internal.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of QEMU's machine protocol (QMP) on a UNIX socket: one JSON object per line, commands
 * answered by {@code return} or {@code error} (matched by {@code id}), asynchronous events in
 * between. Events are handed to a listener on the reader thread; the listener must not wait for a
 * command's reply there.
 */
final class QmpClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QmpClient.class);

  /** A QMP event, e.g. {@code SHUTDOWN} with {@code {"guest":true,"reason":"guest-reset"}}. */
  record Event(String name, JsonNode data) {}

  /** QEMU answered a command with an error. */
  static final class QmpException extends IOException {
    private static final long serialVersionUID = 1L;

    QmpException(String message) {
      super(message);
    }
  }

  private final ObjectMapper mapper = new ObjectMapper();
  private final SocketChannel channel;
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
  private final Consumer<Event> events;
  private final Duration replyTimeout;
  private final Object writeLock = new Object();
  private volatile boolean closed;

  private QmpClient(SocketChannel channel, Consumer<Event> events, Duration replyTimeout) {
    this.channel = channel;
    this.events = events;
    this.replyTimeout = replyTimeout;
  }

  /**
   * Connects to QEMU's QMP socket, waiting until QEMU has created it, and leaves the capabilities
   * negotiation mode.
   *
   * @param socket the socket given to {@code -qmp unix:<socket>,server=on,wait=off}
   * @param connectTimeout how long QEMU may take to create the socket
   * @param replyTimeout how long a command may take
   * @param events receives every event, on the reader thread
   * @param name a name for the reader thread
   * @throws IOException if QEMU does not answer in time
   */
  static QmpClient connect(
      Path socket,
      Duration connectTimeout,
      Duration replyTimeout,
      Consumer<Event> events,
      String name)
      throws IOException {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    SocketChannel channel;
    while (true) {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        break;
      } catch (IOException e) {
        channel.close();
        if (System.nanoTime() - deadline > 0) {
          throw new IOException(
              "QEMU did not open its QMP socket " + socket + " within " + connectTimeout, e);
        }
        sleep(50);
      }
    }
    QmpClient client = new QmpClient(channel, events, replyTimeout);
    Thread reader = new Thread(client::readLoop, "qmp-" + name);
    reader.setDaemon(true);
    reader.start();
    try {
      client.greeting.get(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      client.close();
      throw new IOException("QEMU sent no QMP greeting on " + socket, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new IOException("Interrupted while connecting to " + socket, e);
    }
    client.execute("qmp_capabilities", Map.of());
    return client;
  }

  /**
   * Runs a command and waits for its reply.
   *
   * @param command e.g. {@code cont}
   * @param arguments its arguments, empty for none
   * @return the {@code return} value
   * @throws QmpException if QEMU answers with an error
   * @throws IOException if the connection fails or the reply does not come in time
   */
  JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
    if (closed) {
      throw new IOException("The QMP connection is closed; cannot run " + command);
    }
    long id = ids.incrementAndGet();
    ObjectNode message = mapper.createObjectNode();
    message.put("execute", command);
    if (!arguments.isEmpty()) {
      message.set("arguments", mapper.valueToTree(arguments));
    }
    message.put("id", id);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    byte[] line = (mapper.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      synchronized (writeLock) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      JsonNode answer = reply.get(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (answer.has("error")) {
        JsonNode error = answer.get("error");
        throw new QmpException(
            "QEMU refused "
                + command
                + ": "
                + error.path("class").asText()
                + " "
                + error.path("desc").asText());
      }
      return answer.path("return");
    } catch (ExecutionException e) {
      throw new IOException("QMP connection lost while running " + command, e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("QEMU did not answer " + command + " within " + replyTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running " + command, e);
    } finally {
      pending.remove(id);
    }
  }

  private void readLoop() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode message = mapper.readTree(line);
        if (message.has("QMP")) {
          greeting.complete(message);
        } else if (message.has("event")) {
          deliver(new Event(message.get("event").asText(), message.path("data")));
        } else if (message.has("id")) {
          CompletableFuture<JsonNode> reply = pending.get(message.get("id").asLong());
          if (reply != null) {
            reply.complete(message);
          }
        }
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("QMP connection ended: {}", e.toString());
      }
    } finally {
      closed = true;
      IOException lost = new IOException("QMP connection closed");
      greeting.completeExceptionally(lost);
      pending.values().forEach(f -> f.completeExceptionally(lost));
      deliver(new Event(CLOSED, mapper.createObjectNode()));
    }
  }

  /** The pseudo-event delivered once when the connection ends (QEMU exited or was killed). */
  static final String CLOSED = "QMP_CONNECTION_CLOSED";

  private void deliver(Event event) {
    try {
      events.accept(event);
    } catch (RuntimeException e) {
      LOG.warn("QMP event {} could not be handled: {}", event.name(), e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Closing the QMP socket: {}", e.toString());
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting for QEMU's QMP socket", e);
    }
  }
}
