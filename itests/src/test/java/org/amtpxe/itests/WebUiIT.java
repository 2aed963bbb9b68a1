package org.amtpxe.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.amtpxe.itests.support.Chromium;
import org.amtpxe.itests.support.FreePorts;
import org.amtpxe.itests.support.Json;
import org.amtpxe.itests.support.KarafProcess;
import org.amtpxe.itests.support.Promtool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium against our Karaf distribution run as a process, with
 * API users (Karaf's realm) and a virtual AMT whose simulated machines network-boot from the PXE
 * deploy: an admin logs in, sees the nodes, deploys one from its page and watches the page step to
 * {@code active} without a reload and reads the boots the AMT logged (the ramdisk's network boot,
 * then the instance's); a reader sees no action buttons and a forged action with its session gets
 * 403; no page breaks its Content-Security-Policy. Screenshots go to {@code target/web-ui/}.
 * Skipped without {@code chromium} and {@code chromium-driver}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration DEPLOY = Duration.ofSeconds(180);
  private static final String AMT_PASSWORD = "Web-P@ss1";
  private static final List<String> NODES = List.of("web-1", "web-2");

  private static Path itDir;
  private static Path work;
  private static Process amt;
  private static KarafProcess karaf;
  private static String base;
  private static int rmiRegistryPort;
  private static int rmiServerPort;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> violations = new ArrayList<>();

  @BeforeAll
  static void stack() throws Exception {
    assumeTrue(Chromium.installed(), "apt-get install -y chromium chromium-driver");
    itDir = Path.of(System.getProperty("amtpxe.itest.dir", "target/it"));
    work = itDir.resolve("web-ui").toAbsolutePath();
    Files.createDirectories(work);
    int apiPort = FreePorts.tcp();
    int httpPort = FreePorts.tcp();
    int controlPort = FreePorts.tcp();
    base = "http://127.0.0.1:" + apiPort;
    Path files = work.resolve("files");
    Files.createDirectories(files);
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "kernel", "ramdisk")) {
      Files.writeString(files.resolve(f), "DUMMY " + f + " of WebUiIT; never executed.\n");
    }
    byte[] image = new byte[1024 * 1024];
    new java.util.Random(7).nextBytes(image);
    Files.write(files.resolve("image.raw"), image);
    startAmt(controlPort, httpPort);

    karaf = KarafProcess.unpack(itDir.resolve("distribution.tar.gz"), work.resolve("karaf"));
    karaf
        .etc("org.amtpxe.conductor")
        .set(
            Map.of(
                "api_host", "127.0.0.1",
                "api_port", String.valueOf(apiPort),
                "host", "web-conductor",
                "auth_realm", "karaf",
                "sync_interval", "5"));
    karaf
        .etc("org.amtpxe.amt")
        .set(Map.of("action_wait", "1", "awake_interval", "0", "drain_timeout", "5"));
    karaf
        .etc("org.amtpxe.pxe")
        .set(
            Map.of(
                "tftp_address",
                "127.0.0.1",
                "tftp_port",
                String.valueOf(FreePorts.udp()),
                "http_address",
                "127.0.0.1",
                "http_port",
                String.valueOf(httpPort),
                "api_url",
                base,
                "image_dirs",
                files.toString(),
                "amt_wait",
                "5"));
    karaf.etc("org.apache.karaf.shell").set(Map.of("sshPort", String.valueOf(FreePorts.tcp())));
    rmiRegistryPort = FreePorts.tcp();
    rmiServerPort = FreePorts.tcp();
    karaf
        .etc("org.apache.karaf.management")
        .set(
            Map.of(
                "rmiRegistryPort", String.valueOf(rmiRegistryPort),
                "rmiServerPort", String.valueOf(rmiServerPort)));
    Path users = karaf.home().resolve("etc/users.properties");
    Files.writeString(
        users,
        Files.readString(users)
            + "\nada = ada-pw, admin\nrita = rita-pw, reader\njim = jim-pw, viewer\n",
        StandardCharsets.UTF_8);
    karaf.start();
    long deadline = System.nanoTime() + START.toNanos();
    while (api("GET", "/v1", null).statusCode() != 200) {
      assertThat(System.nanoTime() < deadline).as(karaf.logTail(40)).isTrue();
      Thread.sleep(500);
    }
    for (int i = 0; i < NODES.size(); i++) {
      enroll(NODES.get(i), i + 1, files);
    }
  }

  private static void startAmt(int controlPort, int httpPort) throws Exception {
    StringBuilder nodes = new StringBuilder();
    for (int i = 1; i <= NODES.size(); i++) {
      nodes
          .append(i > 1 ? "," : "")
          .append("{\"name\": \"")
          .append(NODES.get(i - 1))
          .append("\", \"address\": \"127.0.76.")
          .append(i)
          .append("\", \"machine\": {\"type\": \"simulated\", \"mac\": \"52:54:00:76:00:0")
          .append(i)
          .append("\", \"disk\": \"")
          .append(work.resolve("disk-" + i + ".img"))
          .append("\", \"diskSizeMb\": 8, \"bootUrl\": \"http://127.0.0.1:")
          .append(httpPort)
          .append("/boot.ipxe\"}}");
    }
    Path config = work.resolve("virtual-amt.json");
    Files.writeString(
        config,
        "{\"control\": {\"address\": \"127.0.76.250\", \"port\": "
            + controlPort
            + "},\n \"defaults\": {\"username\": \"admin\", \"passwordEnv\":"
            + " \"VIRTUAL_AMT_PASSWORD\", \"port\": 16992, \"redirectionPort\": 16994, \"powerState\": \"off\", \"timing\":"
            + " {\"powerOnDelayMs\": 300, \"powerOffDelayMs\": 300, \"resetDelayMs\": 300,"
            + " \"powerCycleOffTimeMs\": 300, \"gracefulDelayMs\": 300}},\n \"nodes\": ["
            + nodes
            + "]}\n");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-jar",
                System.getProperty(
                    "amtpxe.itest.virtualAmtJar",
                    itDir.resolve("virtual-amt-standalone.jar").toString()),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("virtual-amt.log").toFile());
    pb.environment().put("VIRTUAL_AMT_PASSWORD", AMT_PASSWORD);
    amt = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      assertThat(amt.isAlive()).as(Files.readString(work.resolve("virtual-amt.log"))).isTrue();
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.76.250:" + controlPort + "/api/nodes"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      assertThat(System.nanoTime() < deadline).as("the virtual AMT answers").isTrue();
      Thread.sleep(200);
    }
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  /** A request of the admin (HTTP Basic) to the API. */
  private static HttpResponse<String> api(String method, String path, String json)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("X-OpenStack-Ironic-API-Version", "1.78")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString("ada:ada-pw".getBytes(StandardCharsets.UTF_8)));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      return new FailedResponse();
    }
  }

  private static String state(String node) throws Exception {
    return (String)
        Json.object(api("GET", "/v1/nodes/" + node, null).body()).get("provision_state");
  }

  private static void awaitState(String node, String state) throws Exception {
    long deadline = System.nanoTime() + DEPLOY.toNanos();
    while (!state.equals(state(node))) {
      assertThat(System.nanoTime() < deadline)
          .as(node + " reaches " + state + "; " + api("GET", "/v1/nodes/" + node, null).body())
          .isTrue();
      Thread.sleep(500);
    }
  }

  /**
   * The node's history through the API as Ironic 1.78 serves it ({@code GET
   * /v1/nodes/{node}/history}), oldest first: the events of its deploys, without power and
   * maintenance changes.
   */
  @SuppressWarnings("unchecked")
  private static List<String> deploySteps(String node) throws Exception {
    HttpResponse<String> r = api("GET", "/v1/nodes/" + node + "/history", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    for (Object o : (List<Object>) Json.object(r.body()).get("history")) {
      String event = (String) ((Map<String, Object>) o).get("event");
      if (event.startsWith("deploy")
          || event.contains("-> deploying")
          || event.contains("call-back")
          || event.endsWith("-> active")) {
        events.add(event);
      }
    }
    return events;
  }

  private static void enroll(String name, int i, Path files) throws Exception {
    String driverInfo =
        "{\"amt_address\": \"127.0.76."
            + i
            + "\", \"amt_port\": 16992, \"amt_username\": \"admin\", \"amt_password\": \""
            + AMT_PASSWORD
            + "\", \"amt_protocol\": \"http\", \"deploy_kernel\": \"file://"
            + files.resolve("deploy_kernel")
            + "\", \"deploy_kernel_checksum\": \""
            + sha256(files.resolve("deploy_kernel"))
            + "\", \"deploy_ramdisk\": \"file://"
            + files.resolve("deploy_ramdisk")
            + "\", \"deploy_ramdisk_checksum\": \""
            + sha256(files.resolve("deploy_ramdisk"))
            + "\"}";
    HttpResponse<String> created =
        api(
            "POST",
            "/v1/nodes",
            "{\"name\": \""
                + name
                + "\", \"driver\": \"pxe_amt\", \"driver_info\": "
                + driverInfo
                + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String uuid = (String) Json.object(created.body()).get("uuid");
    HttpResponse<String> port =
        api(
            "POST",
            "/v1/ports",
            "{\"address\": \"52:54:00:76:00:0" + i + "\", \"node_uuid\": \"" + uuid + "\"}");
    assertThat(port.statusCode()).as(port.body()).isEqualTo(201);
    String instance =
        "[{\"op\": \"add\", \"path\": \"/instance_info\", \"value\": {\"image_source\": \"file://"
            + files.resolve("image.raw")
            + "\", \"image_checksum\": \""
            + sha256(files.resolve("image.raw"))
            + "\", \"kernel\": \"file://"
            + files.resolve("kernel")
            + "\", \"kernel_checksum\": \""
            + sha256(files.resolve("kernel"))
            + "\", \"ramdisk\": \"file://"
            + files.resolve("ramdisk")
            + "\", \"ramdisk_checksum\": \""
            + sha256(files.resolve("ramdisk"))
            + "\"}}]";
    HttpResponse<String> patched = api("PATCH", "/v1/nodes/" + uuid, instance);
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    assertThat(
            api("PUT", "/v1/nodes/" + name + "/states/provision", "{\"target\": \"manage\"}")
                .statusCode())
        .isEqualTo(202);
    awaitState(name, "manageable");
    assertThat(
            api("PUT", "/v1/nodes/" + name + "/states/provision", "{\"target\": \"provide\"}")
                .statusCode())
        .isEqualTo(202);
    awaitState(name, "available");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (karaf != null) {
        karaf.close();
      }
    } finally {
      if (amt != null) {
        amt.destroy();
        if (!amt.waitFor(10, TimeUnit.SECONDS)) {
          amt.destroyForcibly();
        }
      }
    }
  }

  private static ChromeDriver browser(String who) throws Exception {
    return Chromium.start(work.resolve("profile-" + who));
  }

  private static void login(ChromeDriver b, String user, String password) {
    b.get(base + "/ui/");
    WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(20));
    wait.until(ExpectedConditions.urlContains("/ui/login"));
    b.findElement(By.id("user")).sendKeys(user);
    b.findElement(By.id("password")).sendKeys(password);
    b.findElement(By.id("login")).click();
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
  }

  /** A wait that looks again when the page redrew the element meanwhile. */
  private static WebDriverWait settled(ChromeDriver b, Duration timeout) {
    WebDriverWait w = new WebDriverWait(b, timeout);
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return w;
  }

  private static void screenshot(ChromeDriver b, String name) throws Exception {
    Path dir = Path.of("target", "web-ui");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), b.getScreenshotAs(OutputType.BYTES));
  }

  /**
   * The text the terminal shows, scrolled into view first. NOTE: xterm's DOM renderer draws spaces
   * as no-break spaces (U+00A0), read back as spaces; it draws nothing while the terminal is out of
   * view (the page above it grows as events arrive), so a wait that reads this looks again.
   */
  private static String terminalText(ChromeDriver b) {
    return String.valueOf(
        b.executeScript(
            "const r = document.querySelector('#terminal .xterm-rows');"
                + " if (!r) return '';"
                + " document.getElementById('terminal').scrollIntoView({block: 'nearest'});"
                + " return r.textContent.replace(/\\u00a0/g, ' ');"));
  }

  private static void recordViolations(ChromeDriver b) {
    violations.addAll(Chromium.cspMessages(b));
    Object seen = b.executeScript("return window.__cspViolations || []");
    if (seen instanceof List<?> l) {
      l.forEach(v -> violations.add(String.valueOf(v)));
    }
  }

  @Test
  @Order(1)
  @SuppressWarnings("unchecked")
  void anAdminSeesTheFleetDeploysANodeAndWatchesItBecomeActiveWithoutAReload() throws Exception {
    ChromeDriver b = browser("admin");
    try {
      WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(20));
      b.get(base + "/ui/login?error=failed");
      assertThat(b.findElement(By.id("login-error")).getText()).contains("Wrong user name");
      login(b, "ada", "ada-pw");
      wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
      Object names =
          b.executeScript(
              "return [...document.querySelectorAll('#rows .row .c-name')].map(c =>"
                  + " c.textContent)");
      assertThat((List<Object>) names).containsExactlyInAnyOrderElementsOf(List.copyOf(NODES));
      assertThat(b.findElement(By.id("who")).getText()).contains("ada");
      assertThat(b.findElement(By.id("counts")).getText()).contains("available");

      // NOTE: the page redraws rows, progress and actions when an event arrives; an element found
      // before a redraw is stale, so these steps retry until they act on the current one.
      settled(b, Duration.ofSeconds(20))
          .until(
              d -> {
                d.findElement(By.xpath("//div[@id='rows']/a[div[text()='web-1']]")).click();
                return true;
              });
      wait.until(
          ExpectedConditions.attributeToBe(
              By.tagName("body"), "data-provision-state", "available"));
      // A mark that a reload would wipe: the page must step to active with it still there.
      b.executeScript("window.__noReload = 'still here'");
      settled(b, Duration.ofSeconds(20))
          .until(
              d -> {
                d.findElement(By.id("act-deploy")).click();
                return d.findElement(By.id("confirm")).isDisplayed();
              });
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-text")));
      assertThat(b.findElement(By.id("confirm-text")).getText()).contains("Deploy web-1");
      b.findElement(By.id("confirm-ok")).click();
      settled(b, DEPLOY)
          .until(
              ExpectedConditions.attributeToBe(
                  By.cssSelector("#progress li[data-step='active']"), "data-state", "done"));
      assertThat(b.executeScript("return window.__noReload")).isEqualTo("still here");
      assertThat(b.findElement(By.id("state-list")).getText()).contains("active");
      Object steps =
          b.executeScript(
              "return [...document.querySelectorAll('#progress li.step')].map(s =>"
                  + " s.dataset.state)");
      assertThat((List<?>) steps).hasSize(6).allSatisfy(st -> assertThat(st).isEqualTo("done"));
      assertThat(b.findElement(By.cssSelector("#progress li[data-step='served']")).getText())
          .contains("deploy_kernel served over http to 127.0.0.1")
          .contains("disk image served over http to 127.0.0.1 (1,048,576 bytes)");
      // NOTE: the machine may fetch its boot files before the conductor writes wait call-back
      // (AMT answers the reboot once the node is on): that one state change is checked apart.
      List<String> history = deploySteps("web-1");
      assertThat(history.stream().filter(e -> !e.equals("deploying -> wait call-back")))
          .containsExactly(
              "available -> deploying",
              "deploy.deploy: PXE armed as the boot device; rebooting into the deploy ramdisk",
              "deploy.deploy: deploy_kernel served over http to 127.0.0.1 (48 bytes)",
              "deploy.deploy: deploy_ramdisk served over http to 127.0.0.1 (49 bytes)",
              "deploy ramdisk booted and looked up its node from 127.0.76.1",
              "deploy.write_image: disk image served over http to 127.0.0.1 (1,048,576 bytes)",
              "wait call-back -> deploying",
              "deploy.prepare_instance_boot: PXE re-armed as the next boot device; the boot"
                  + " configuration now boots the instance (/dev/vda)",
              "deploy.boot_instance: the deploy ramdisk at 127.0.76.1 was told to reboot into the"
                  + " netbooted instance",
              "deploying -> active");
      int waiting = history.indexOf("deploying -> wait call-back");
      assertThat(waiting)
          .isGreaterThan(
              history.indexOf(
                  "deploy.deploy: PXE armed as the boot device; rebooting"
                      + " into the deploy ramdisk"))
          .isLessThan(
              history.indexOf("deploy ramdisk booted and looked up its node from 127.0.76.1"));
      assertThat(b.findElement(By.id("events")).getText())
          .contains("wait call-back -> deploying")
          .contains("deploy ramdisk booted");
      assertThat(b.findElement(By.id("fields")).getText())
          .contains("******")
          .doesNotContain(AMT_PASSWORD);
      screenshot(b, "node.png");
      // The boot history the AMT logged, read on demand: the deploy ramdisk's network boot at
      // power-up, then the instance's boot after the reset (a network boot: instance_info has a
      // kernel and ramdisk, so the instance boots through PXE too).
      assertThat(b.findElement(By.id("boots")).getText()).contains("Not read yet");
      b.executeScript("document.getElementById('node-boots').scrollIntoView()");
      settled(b, Duration.ofSeconds(20))
          .until(
              d -> {
                d.findElement(By.id("boots-load")).click();
                return true;
              });
      settled(b, Duration.ofSeconds(30))
          .until(
              ExpectedConditions.presenceOfElementLocated(By.cssSelector("#boots-list li.boot")));
      Object boots =
          b.executeScript(
              "return [...document.querySelectorAll('#boots-list li.boot')].map(l =>"
                  + " l.dataset.device + ' ' + l.textContent)");
      assertThat((List<?>) boots).as(String.valueOf(boots)).hasSizeGreaterThanOrEqualTo(2);
      List<String> lines = ((List<?>) boots).stream().map(String::valueOf).toList();
      assertThat(lines)
          .as("the ramdisk's boot")
          .anySatisfy(l -> assertThat(l).startsWith("pxe ").contains("power-up"));
      assertThat(lines.get(0)).as("the instance's boot").startsWith("pxe ").contains("reset");
      assertThat(b.findElement(By.id("boots-events")).getText())
          .contains("Booting from the network (PXE)")
          .contains("BIOS: starting the OS boot")
          .contains("Power: on (S0, working)");
      assertThat(b.findElement(By.id("boots-note")).getText())
          .contains("read")
          .contains("requests");
      screenshot(b, "node-boots.png");
      // Back to the fleet (a hash change, no reload): the deployed node's row is active there.
      b.findElement(By.linkText("← Fleet")).click();
      settled(b, Duration.ofSeconds(20))
          .until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.cssSelector("#rows .row .c-state.st-active"), "active"));
      assertThat(b.findElement(By.id("counts")).getText()).contains("active 1");
      assertThat(b.executeScript("return window.__noReload")).isEqualTo("still here");
      screenshot(b, "fleet.png");
      recordViolations(b);
    } finally {
      b.quit();
    }
  }

  @Test
  @Order(2)
  @SuppressWarnings("unchecked")
  void anAdminEnablesTheConsoleSeesTheBootAndTypesIntoTheTerminal() throws Exception {
    ChromeDriver b = browser("console");
    try {
      login(b, "ada", "ada-pw");
      b.get(base + "/ui/#/node/web-2");
      WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(30));
      wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-console", "off"));
      settled(b, Duration.ofSeconds(20))
          .until(
              d -> {
                d.findElement(By.id("console-enable")).click();
                return d.findElement(By.id("confirm")).isDisplayed();
              });
      assertThat(b.findElement(By.id("confirm-text")).getText()).contains("web-2");
      b.findElement(By.id("confirm-ok")).click();
      // The node's event redraws the section once the conductor opened the console.
      wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-console", "enabled"));
      settled(b, Duration.ofSeconds(20))
          .until(
              d -> {
                d.findElement(By.id("console-attach")).click();
                return true;
              });
      // Attached, then connected once the conductor opened the SOL session (output from before
      // is not kept: AMT buffers nothing for a session that is not open).
      wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-console", "connected"));
      assertThat(b.findElement(By.id("console-status")).getText()).contains("Connected");

      // The machine boots: the simulated firmware narrates it on its serial port.
      assertThat(
              api("PUT", "/v1/nodes/web-2/states/power", "{\"target\": \"power on\"}").statusCode())
          .isEqualTo(202);
      try {
        settled(b, Duration.ofSeconds(60))
            .until(d -> terminalText((ChromeDriver) d).matches("(?s).*(disk|pxe|bios): .*"));
      } catch (org.openqa.selenium.TimeoutException e) {
        screenshot(b, "console-failed.png");
        throw new AssertionError(
            "no boot narration; status: "
                + b.findElement(By.id("console-status")).getText()
                + "; terminal: "
                + terminalText(b),
            e);
      }

      // Keystrokes: each typed into xterm's input, posted, through SOL to the machine, echoed
      // back on SOL and drawn by the terminal; timed one by one in the page.
      Object rtts =
          b.executeAsyncScript(
              "const done = arguments[arguments.length - 1];"
                  + "document.getElementById('terminal').scrollIntoView({block: 'nearest'});"
                  + "const rows = document.querySelector('#terminal .xterm-rows');"
                  + "const input = document.querySelector('#terminal .xterm-helper-textarea');"
                  + "const count = () => (rows.textContent.match(/~/g) || []).length;"
                  + "const times = [];"
                  + "const one = () => new Promise((resolve, reject) => {"
                  + "  const before = count(); const t0 = performance.now();"
                  + "  const seen = new MutationObserver(() => { if (count() > before) {"
                  + "    seen.disconnect(); times.push(performance.now() - t0); resolve(); } });"
                  + "  seen.observe(rows, {childList: true, subtree: true, characterData: true});"
                  + "  setTimeout(() => { seen.disconnect(); reject('no echo in 5 s'); }, 5000);"
                  + "  input.dispatchEvent(new InputEvent('input', {data: '~', inputType:"
                  + " 'insertText', bubbles: true}));"
                  + "});"
                  + "(async () => { for (let i = 0; i < 20; i++) { await one(); }"
                  + "  done(times); })().catch(e => done(String(e)));");
      assertThat(rtts)
          .as(
              "keystroke round trips; status: "
                  + b.findElement(By.id("console-status")).getText()
                  + "; terminal: "
                  + terminalText(b))
          .isInstanceOf(List.class);
      List<Double> ms =
          ((List<Object>) rtts).stream().map(o -> ((Number) o).doubleValue()).sorted().toList();
      System.out.printf(
          "Keystroke round trip through the page (20 keys): median %.1f ms, max %.1f ms%n",
          ms.get(ms.size() / 2), ms.get(ms.size() - 1));
      Files.writeString(
          Path.of("target", "web-ui", "keystroke-rtt.txt"),
          "median_ms=" + ms.get(ms.size() / 2) + " max_ms=" + ms.get(ms.size() - 1) + " " + ms);
      // What a person types reaches the machine too (Selenium's keys into the focused terminal).
      b.findElement(By.cssSelector("#terminal .xterm-helper-textarea")).sendKeys("hello sol");
      settled(b, Duration.ofSeconds(10))
          .until(d -> terminalText((ChromeDriver) d).contains("hello sol"));
      // A 24-bit colour (ESC[38;2;r;g;bm), echoed by the machine: xterm.js colours such a cell
      // through a style attribute, which the policy refused (the text stayed the default colour).
      Object colour =
          b.executeAsyncScript(
              "const done = arguments[arguments.length - 1];"
                  + "const rows = document.querySelector('#terminal .xterm-rows');"
                  + "const input = document.querySelector('#terminal .xterm-helper-textarea');"
                  + "const find = () => [...rows.querySelectorAll('span')]"
                  + "  .find(s => s.textContent === 'RGB' && getComputedStyle(s).color !== '');"
                  + "input.dispatchEvent(new InputEvent('input', {data:"
                  + " '\\u001b[38;2;255;128;0mRGB\\u001b[0m', inputType: 'insertText', bubbles:"
                  + " true}));"
                  + "const t0 = Date.now();"
                  + "(function poll() { const s = find();"
                  + "  if (s) { done(getComputedStyle(s).color); return; }"
                  + "  if (Date.now() - t0 > 5000) { done('no RGB cell in 5 s'); return; }"
                  + "  setTimeout(poll, 20); })();");
      assertThat(colour).as("the 24-bit colour of the echoed cell").isEqualTo("rgb(255, 128, 0)");
      assertThat(b.getPageSource()).doesNotContain(AMT_PASSWORD);
      screenshot(b, "console.png");
      // NOTE: the node's events (the power change) redraw the section: the button is found anew.
      settled(b, Duration.ofSeconds(20))
          .until(
              d -> {
                d.findElement(By.id("console-detach")).click();
                return true;
              });
      wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-console", "enabled"));
      recordViolations(b);
    } finally {
      b.quit();
    }
  }

  @Test
  @Order(3)
  void aReaderSeesNoActionsAndAForgedActionIsRefused() throws Exception {
    ChromeDriver b = browser("reader");
    try {
      login(b, "rita", "rita-pw");
      b.get(base + "/ui/#/node/web-2");
      WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(20));
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("actions"), "reader"));
      assertThat(b.findElements(By.cssSelector("#actions button"))).isEmpty();
      assertThat(b.findElements(By.cssSelector("[id^='act-']"))).isEmpty();
      Object status =
          b.executeAsyncScript(
              "const done = arguments[arguments.length - 1];"
                  + "fetch('/ui/session').then(r => r.json()).then(s =>"
                  + " fetch('/v1/nodes/web-2/states/power', {method: 'PUT', headers:"
                  + " {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf,"
                  + " 'X-OpenStack-Ironic-API-Version': '1.78'}, body: JSON.stringify({target:"
                  + " 'power on'})})).then(r => done(r.status), e => done(String(e)));");
      assertThat(status).isEqualTo(403L);
      assertThat(Json.object(api("GET", "/v1/nodes/web-2", null).body()).get("target_power_state"))
          .isNull();
      // No terminal for a reader, and a forged attach with its session is refused.
      assertThat(b.findElement(By.id("node-console")).isDisplayed()).isFalse();
      Object attach =
          b.executeAsyncScript(
              "const done = arguments[arguments.length - 1];"
                  + "fetch('/ui/session').then(r => r.json()).then(s =>"
                  + " fetch('/ui/console/web-2', {method: 'POST', headers: {'X-CSRF-Token':"
                  + " s.csrf}})).then(r => done(r.status), e => done(String(e)));");
      assertThat(attach).isEqualTo(403L);
      recordViolations(b);
    } finally {
      b.quit();
    }
  }

  @Test
  @Order(4)
  void noPageBrokeItsContentSecurityPolicy() {
    assertThat(violations).isEmpty();
  }

  /** A scrape of {@code /metrics} by the admin, accepted by promtool. */
  private static String scrape() throws Exception {
    HttpResponse<String> r = api("GET", "/metrics", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Promtool.assertAccepts(r.body());
    return r.body();
  }

  /** The sum of a metric's samples whose labels contain every one of {@code labels}. */
  private static double sum(String scrape, String metric, String... labels) {
    double sum = 0;
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    while (m.find()) {
      String found = m.group(1);
      if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** The scrape's figures this test follows, by a short name. */
  private static Map<String, Double> figures(String s) {
    Map<String, Double> f = new java.util.TreeMap<>();
    f.put("deploys active", sum(s, "amtpxe_deploy_seconds_count", "outcome=\"active\""));
    f.put(
        "amt power changes",
        sum(
            s,
            "amtpxe_amt_requests_seconds_count",
            "operation=\"CIM_PowerManagementService.RequestPowerStateChange\"",
            "outcome=\"ok\""));
    f.put("amt requests", sum(s, "amtpxe_amt_requests_seconds_count", "outcome=\"ok\""));
    f.put(
        "http transfers",
        sum(s, "amtpxe_pxe_transfers_seconds_count", "server=\"http\"", "outcome=\"ok\""));
    f.put("http bytes", sum(s, "amtpxe_pxe_bytes_total", "server=\"http\"", "outcome=\"ok\""));
    f.put("sync passes", sum(s, "amtpxe_sync_pass_seconds_count", "outcome=\"completed\""));
    return f;
  }

  @Test
  @Order(4)
  void metricsMoveDuringADeployAndAPowerSyncInPrometheusTextAndThroughKarafsJmx() throws Exception {
    JMXServiceURL url =
        new JMXServiceURL(
            "service:jmx:rmi://127.0.0.1:"
                + rmiServerPort
                + "/jndi/rmi://127.0.0.1:"
                + rmiRegistryPort
                + "/karaf-root");
    // Karaf's JMX connector, logged in through its JAAS realm as jconsole would.
    try (JMXConnector jmx =
        JMXConnectorFactory.connect(
            url, Map.of(JMXConnector.CREDENTIALS, new String[] {"jim", "jim-pw"}))) {
      MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
      Map<String, Double> before = figures(scrape());
      Map<String, Double> jmxBefore = jmxFigures(mbeans);
      assertThat(jmxBefore.get("deploys active")).isEqualTo(before.get("deploys active"));

      assertThat(
              api("PUT", "/v1/nodes/web-2/states/provision", "{\"target\": \"active\"}")
                  .statusCode())
          .isEqualTo(202);
      Map<String, Double> during = null;
      long deadline = System.nanoTime() + DEPLOY.toNanos();
      String state;
      while (!"active".equals(state = state("web-2"))) {
        assertThat(state).isNotEqualTo("deploy failed");
        assertThat(System.nanoTime() < deadline).as("web-2 deploys").isTrue();
        if ("wait call-back".equals(state) && during == null) {
          during = figures(scrape());
        }
        Thread.sleep(100);
      }
      Map<String, Double> after = figures(scrape());
      // The power sync runs every 5 s: wait for a pass after the deploy.
      Map<String, Double> synced = after;
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (synced.get("sync passes") <= after.get("sync passes")) {
        assertThat(System.nanoTime() < deadline).as("a power sync pass within 30 s").isTrue();
        Thread.sleep(500);
        synced = figures(scrape());
      }
      Map<String, Double> jmxAfter = jmxFigures(mbeans);
      Files.createDirectories(Path.of("target", "web-ui"));
      Files.writeString(
          Path.of("target", "web-ui", "metrics-during-deploy.txt"),
          "before "
              + before
              + "\nduring "
              + during
              + "\nafter "
              + after
              + "\nsynced "
              + synced
              + "\njmx before "
              + jmxBefore
              + "\njmx after "
              + jmxAfter
              + "\n");

      assertThat(during).as("a scrape while web-2 waited for its callback").isNotNull();
      // While the ramdisk works: the AMT powered the node on, the deploy is not counted yet.
      assertThat(during.get("amt power changes")).isGreaterThan(before.get("amt power changes"));
      assertThat(during.get("deploys active")).isEqualTo(before.get("deploys active"));
      assertThat(during.get("http transfers"))
          .as("the boot script and the deploy kernel and ramdisk, served before the callback")
          .isGreaterThan(before.get("http transfers"));
      // After: one more deploy, its boot files and 1 MiB image over HTTP, and a sync pass.
      assertThat(after.get("deploys active")).isEqualTo(before.get("deploys active") + 1);
      assertThat(after.get("amt requests")).isGreaterThan(during.get("amt requests"));
      assertThat(after.get("http transfers") - before.get("http transfers"))
          .isGreaterThanOrEqualTo(3);
      assertThat(after.get("http bytes") - before.get("http bytes"))
          .isGreaterThanOrEqualTo(1024 * 1024 + 48 + 49);
      assertThat(synced.get("sync passes")).isGreaterThan(after.get("sync passes"));
      // The same meters through JMX moved as much.
      assertThat(jmxAfter.get("deploys active")).isEqualTo(jmxBefore.get("deploys active") + 1);
      assertThat(jmxAfter.get("http transfers") - jmxBefore.get("http transfers"))
          .isGreaterThanOrEqualTo(3);
      assertThat(jmxAfter.get("sync passes")).isGreaterThan(jmxBefore.get("sync passes"));
      assertThat(jmxAfter.get("amt power changes"))
          .isGreaterThan(jmxBefore.get("amt power changes"));
    }
  }

  /**
   * The same figures from the MBeans of the domain org.amtpxe (docs/observability.md#endpoints).
   */
  private static Map<String, Double> jmxFigures(MBeanServerConnection mbeans) throws Exception {
    Map<String, Double> f = new java.util.TreeMap<>();
    f.put("deploys active", jmxCount(mbeans, "amtpxeDeploy.outcome.active"));
    f.put(
        "amt power changes",
        jmxCount(
            mbeans,
            "amtpxeAmtRequests.operation.CIM_PowerManagementService.RequestPowerStateChange"
                + ".outcome.ok"));
    f.put("http transfers", jmxCount(mbeans, "amtpxePxeTransfers.outcome.ok.server.http"));
    f.put("sync passes", jmxCount(mbeans, "amtpxeSyncPass.outcome.completed"));
    return f;
  }

  /** The Count of the MBean named {@code name} in org.amtpxe, 0 while it does not exist. */
  private static double jmxCount(MBeanServerConnection mbeans, String name) throws Exception {
    java.util.Set<ObjectName> found =
        mbeans.queryNames(new ObjectName("org.amtpxe:name=" + ObjectName.quote(name) + ",*"), null);
    if (found.isEmpty()) {
      found = mbeans.queryNames(new ObjectName("org.amtpxe:name=" + name + ",*"), null);
    }
    if (found.isEmpty()) {
      return 0;
    }
    return ((Number) mbeans.getAttribute(found.iterator().next(), "Count")).doubleValue();
  }

  /** What {@link #api} answers while the API is not listening yet. */
  private static final class FailedResponse implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return 0;
    }

    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public String body() {
      return "";
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }

    @Override
    public URI uri() {
      return null;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
