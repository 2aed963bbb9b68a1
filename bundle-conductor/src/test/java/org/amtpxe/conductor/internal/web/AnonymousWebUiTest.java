package org.amtpxe.conductor.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.amtpxe.conductor.internal.testing.RawHttp;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.amtpxe.conductor.internal.testing.WebStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The page on the anonymous loopback API: no login, an admin, and only for loopback names. */
class AnonymousWebUiTest {
  private TestConductor c;
  private WebStack web;

  @BeforeEach
  void start() throws Exception {
    c = new TestConductor(Runnable::run);
    web = new WebStack(c, null);
  }

  @AfterEach
  void stop() throws Exception {
    web.close();
    c.close();
  }

  private RawHttp.Reply get(String path, String host) throws Exception {
    return RawHttp.exchange(
        new InetSocketAddress("127.0.0.1", web.server.port()),
        RawHttp.head("GET " + path + " HTTP/1.1", "Host: " + host, "Connection: close"),
        false,
        Duration.ofSeconds(5));
  }

  @Test
  void thePageOpensWithoutALoginAndItsUserIsAnAdmin() throws Exception {
    RawHttp.Reply index = get("/ui/", "127.0.0.1:" + web.server.port());
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.text()).contains("js/app.js");
    RawHttp.Reply session = get("/ui/session", "localhost");
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.text())
        .contains("\"authenticated\":false")
        .contains("\"roles\":[\"admin\"]")
        .contains("\"csrf\":\"\"");
    assertThat(get("/ui/login", "127.0.0.1").header("Location")).isEqualTo("/ui/");
  }

  @Test
  void aNameThatIsNotLoopbackGetsNothing() throws Exception {
    // A page of another site whose name was re-pointed at 127.0.0.1 (DNS rebinding).
    for (String path : new String[] {"/ui/", "/ui/session", "/ui/events", "/ui/js/app.js"}) {
      RawHttp.Reply r = get(path, "rebound.example:" + web.server.port());
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.text()).as(path).doesNotContain("csrf").doesNotContain("import");
    }
  }
}
