package org.amtpxe.conductor.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.conductor.internal.rest.ApiHandler;
import org.amtpxe.conductor.internal.rest.ApiServer;
import org.amtpxe.conductor.internal.testing.Http;
import org.amtpxe.conductor.internal.testing.Http.Resp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ironic's console API over real HTTP and the console port over a plain socket: enable, show, read
 * and type, the hardware dropping the session, a refused login, disable, delete, restart.
 */
class ConsoleRestTest {
  private TestConductor c;
  private ApiServer server;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    server = new ApiServer("127.0.0.1", 0, 8, new ApiHandler(c.service, null));
    http = new Http("http://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    c.close();
  }

  private Resp console(String uuid, boolean enabled) {
    return http.put("/v1/nodes/" + uuid + "/states/console", "{\"enabled\": " + enabled + "}");
  }

  private URI url(String uuid) {
    JsonNode body = http.get("/v1/nodes/" + uuid + "/states/console").json();
    return URI.create(body.at("/console_info/url").asText());
  }

  private static Socket connect(URI url) throws IOException {
    Socket s = new Socket(url.getHost(), url.getPort());
    s.setSoTimeout(5000);
    return s;
  }

  private static String readUntil(InputStream in, String wanted) throws Exception {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    return CompletableFuture.supplyAsync(
            () -> {
              byte[] b = new byte[256];
              try {
                while (!seen.toString(StandardCharsets.UTF_8).contains(wanted)) {
                  int n = in.read(b);
                  if (n < 0) {
                    break;
                  }
                  seen.write(b, 0, n);
                }
              } catch (IOException e) {
                seen.writeBytes(("<" + e + ">").getBytes(StandardCharsets.UTF_8));
              }
              return seen.toString(StandardCharsets.UTF_8);
            })
        .get(10, TimeUnit.SECONDS);
  }

  private static boolean await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  @Test
  void enableShowsASocatUrlWhoseSocketCarriesTheSerialPortBothWays() throws Exception {
    String uuid = c.enroll("con-1").uuid();
    JsonNode before = http.get("/v1/nodes/" + uuid + "/states/console").json();
    assertThat(before.get("console_enabled").asBoolean()).isFalse();
    assertThat(before.get("console_info").isNull()).isTrue();

    Resp r = console(uuid, true);

    assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
    assertThat(r.header("Location")).endsWith("/v1/nodes/" + uuid + "/states/console");
    JsonNode shown = http.get("/v1/nodes/" + uuid + "/states/console").json();
    assertThat(shown.get("console_enabled").asBoolean()).isTrue();
    assertThat(shown.at("/console_info/type").asText()).isEqualTo("socat");
    assertThat(shown.at("/console_info/url").asText()).matches("tcp://127\\.0\\.0\\.1:\\d+");
    assertThat(shown.at("/console_info/token").isMissingNode()).isTrue();
    assertThat(http.get("/v1/nodes/" + uuid).json().get("console_enabled").asBoolean()).isTrue();
    assertThat(c.driver.calls()).contains("console.start:" + uuid);

    try (Socket s = connect(url(uuid))) {
      assertThat(await(() -> c.driver.serial().isOpen(uuid))).isTrue();
      c.driver.serial().writeLine(uuid, "Ubuntu 24.04 LTS con-1 ttyS0");
      assertThat(readUntil(s.getInputStream(), "ttyS0")).contains("con-1 ttyS0");
      s.getOutputStream().write("root\r".getBytes(StandardCharsets.US_ASCII));
      assertThat(readUntil(s.getInputStream(), "root")).contains("root");
    }
    assertThat(await(() -> !c.driver.serial().isOpen(uuid)))
        .as("the session ends with the client")
        .isTrue();
  }

  @Test
  void aDroppedSessionIsOpenedAgainWhileTheClientStays() throws Exception {
    String uuid = c.enroll("con-2").uuid();
    console(uuid, true);
    try (Socket s = connect(url(uuid))) {
      assertThat(await(() -> c.driver.serial().isOpen(uuid))).isTrue();

      c.driver.serial().drop(uuid);

      assertThat(readUntil(s.getInputStream(), "reconnecting")).contains("console session ended");
      assertThat(await(() -> c.driver.serial().isOpen(uuid))).isTrue();
      assertThat(c.driver.serial().opened()).isEqualTo(2);
      c.driver.serial().writeLine(uuid, "after the drop");
      assertThat(readUntil(s.getInputStream(), "after the drop")).contains("after the drop");
    }
  }

  @Test
  void aRefusedLoginIsShownOnceAndNotRetried() throws Exception {
    String uuid = c.enroll("con-3").uuid();
    console(uuid, true);
    c.driver.failOn("console.open", new AuthenticationFailedException("AMT refused user admin"));

    try (Socket s = connect(url(uuid))) {
      String seen = readUntil(s.getInputStream(), "\u0000never");
      assertThat(seen).contains("console unavailable: AMT refused user admin");
    }
    assertThat(c.driver.calls("console.open")).hasSize(1);
  }

  @Test
  void disableClosesThePortAndDeleteClosesItToo() throws Exception {
    String uuid = c.enroll("con-4").uuid();
    console(uuid, true);
    URI url = url(uuid);

    assertThat(console(uuid, false).status()).isEqualTo(202);

    JsonNode shown = http.get("/v1/nodes/" + uuid + "/states/console").json();
    assertThat(shown.get("console_enabled").asBoolean()).isFalse();
    assertThat(shown.get("console_info").isNull()).isTrue();
    assertThat(await(() -> refused(url))).isTrue();

    String other = c.enroll("con-5").uuid();
    console(other, true);
    URI otherUrl = url(other);
    c.service.nodes().setMaintenance(other, true, "retire");
    assertThat(http.delete("/v1/nodes/" + other).status()).isEqualTo(204);
    assertThat(await(() -> refused(otherUrl))).isTrue();
    assertThat(c.service.consoles().openConsoles()).isZero();
  }

  @Test
  void enabledConsolesComeBackOnTheirPortAfterARestart() throws Exception {
    String uuid = c.enroll("con-6").uuid();
    console(uuid, true);
    URI url = url(uuid);

    c.service.consoles().close();
    assertThat(await(() -> refused(url))).isTrue();
    c.service.consoles().restore();

    assertThat(url(uuid)).isEqualTo(url);
    try (Socket s = connect(url)) {
      assertThat(await(() -> c.driver.serial().isOpen(uuid))).isTrue();
    }
  }

  @Test
  void badBodiesAre400() {
    String uuid;
    try {
      uuid = c.enroll("con-7").uuid();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    Resp r = http.put("/v1/nodes/" + uuid + "/states/console", "{\"enabled\": \"maybe\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.raw().body()).contains("enabled");
    assertThat(http.put("/v1/nodes/" + uuid + "/states/console", "{}").status()).isEqualTo(400);
  }

  private static boolean refused(URI url) {
    try (Socket s = new Socket(url.getHost(), url.getPort())) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      throw new AssertionError("neither accepted nor refused: " + e, e);
    }
  }
}
