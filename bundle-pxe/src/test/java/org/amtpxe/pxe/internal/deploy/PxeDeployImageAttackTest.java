package org.amtpxe.pxe.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.pxe.internal.boot.BootConfigWriter;
import org.amtpxe.pxe.internal.cache.ImageCache;
import org.amtpxe.pxe.internal.config.PxeSettings;
import org.amtpxe.pxe.internal.config.TestConfigs;
import org.amtpxe.pxe.internal.http.HttpBootServer;
import org.amtpxe.pxe.internal.tftp.TftpServer;
import org.amtpxe.pxe.internal.tftp.TftpServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API user who may set a node's driver_info and instance_info tries to make the service read and
 * serve a file of its choice (/etc/passwd, the conductor's H2 database, another node's files), or
 * to have boot files served unverified. Karaf's data directory is {@code dir}; image_dirs is the
 * default, {@code dir/amtpxe/images}.
 */
class PxeDeployImageAttackTest {
  static final String UUID = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";
  static final String MAC = "52:54:00:12:34:56";

  @TempDir Path dir;
  Path tftpRoot;
  Path httpRoot;
  Path images;
  Path database;
  Map<String, Object> overrides = new HashMap<>();
  PxeDeploy deploy;
  FakeTask task;
  HttpBootServer httpServer;
  TftpServer tftpServer;
  HttpServer imageServer;

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  String sha(String file) throws Exception {
    return sha256(Files.readAllBytes(images.resolve(file)));
  }

  @BeforeEach
  void setUp() throws Exception {
    tftpRoot = dir.resolve("amtpxe/tftpboot");
    httpRoot = dir.resolve("amtpxe/httpboot");
    images = Files.createDirectories(dir.resolve("amtpxe/images"));
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "vmlinuz", "initrd", "disk.raw")) {
      Files.writeString(images.resolve(f), f + " bytes");
    }
    // The conductor's H2 database lives in ${karaf.data}/amtpxe and holds AMT passwords.
    database = dir.resolve("amtpxe/conductor.mv.db");
    Files.writeString(database, "amt_password=hunter2");
    overrides.put("tftp_root", tftpRoot.toString());
    overrides.put("http_root", httpRoot.toString());
    overrides.put("image_cache_dir", dir.resolve("amtpxe/master_images").toString());
    overrides.put("api_url", "http://192.168.77.1:6385/");
    overrides.put("http_url", "http://192.168.77.1:8080");
    task = newTask();
    rebuild();
  }

  @AfterEach
  void stop() {
    if (httpServer != null) {
      httpServer.close();
    }
    if (tftpServer != null) {
      tftpServer.close();
    }
    if (imageServer != null) {
      imageServer.stop(0);
    }
  }

  void rebuild() {
    PxeSettings settings = PxeSettings.from(TestConfigs.config(overrides), dir);
    ImageCache cache =
        new ImageCache(
            settings.imageCacheDir(),
            settings.imageCacheSizeBytes(),
            settings.imageCacheTtl(),
            settings.imageSources(),
            Clock.systemUTC());
    DeployEnvironment env = new DeployEnvironment(settings, cache);
    deploy = new PxeDeploy(() -> env, new BootConfigWriter(), (a, p, t) -> {});
    task.deploy = deploy;
  }

  FakeTask newTask() throws Exception {
    Map<String, Object> di = new HashMap<>();
    di.put("deploy_kernel", images.resolve("deploy_kernel").toString());
    di.put("deploy_kernel_checksum", sha("deploy_kernel"));
    di.put("deploy_ramdisk", images.resolve("deploy_ramdisk").toString());
    di.put("deploy_ramdisk_checksum", sha("deploy_ramdisk"));
    Map<String, Object> ii = new HashMap<>();
    ii.put("image_source", images.resolve("disk.raw").toString());
    ii.put("image_checksum", sha("disk.raw"));
    ii.put("kernel", images.resolve("vmlinuz").toString());
    ii.put("kernel_checksum", sha("vmlinuz"));
    ii.put("ramdisk", images.resolve("initrd").toString());
    ii.put("ramdisk_checksum", sha("initrd"));
    Node node =
        Node.builder(UUID, "pxe_amt")
            .name("desk-1")
            .driverInfo(di)
            .instanceInfo(ii)
            .provisionState(ProvisionState.DEPLOYING)
            .build();
    FakeTask t = new FakeTask(node, List.of(FakeTask.port(UUID, MAC)));
    t.deploy = deploy;
    return t;
  }

  /** Sets driver_info entries; a null value removes the key. */
  void driverInfo(Map<String, Object> entries) {
    Map<String, Object> di = new HashMap<>(task.node().driverInfo());
    entries.forEach(
        (k, v) -> {
          if (v == null) {
            di.remove(k);
          } else {
            di.put(k, v);
          }
        });
    task.node = task.node().toBuilder().driverInfo(di).build();
  }

  void instanceInfo(Map<String, Object> entries) {
    Map<String, Object> ii = new HashMap<>(task.node().instanceInfo());
    entries.forEach(
        (k, v) -> {
          if (v == null) {
            ii.remove(k);
          } else {
            ii.put(k, v);
          }
        });
    task.node = task.node().toBuilder().instanceInfo(ii).build();
  }

  /** The attack: deploy_kernel names the target, checksums opted out, so only the path rule. */
  void deployKernel(String href) {
    driverInfo(
        mapOf("deploy_kernel", href, "deploy_kernel_checksum", null, ALLOW_UNVERIFIED, true));
  }

  static final String ALLOW_UNVERIFIED = "allow_unverified_boot_files";

  static Map<String, Object> mapOf(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  List<String> targets() throws IOException {
    Path master = Files.createDirectories(dir.resolve("amtpxe/master_images"));
    Files.writeString(master.resolve("0123456789abcdef0123456789abcdef01234567"), "a master");
    Path otherNode = Files.createDirectories(tftpRoot.resolve("other-node"));
    Files.writeString(otherNode.resolve("config"), "another node's config");
    Files.createSymbolicLink(images.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(images.resolve("zero"), Path.of("/dev/zero"));
    Files.createSymbolicLink(images.resolve("db"), database);
    return List.of(
        "/etc/passwd",
        "file:///etc/passwd",
        "file:/etc/passwd",
        "/dev/zero",
        "file:///proc/self/environ",
        images + "/../../../../../../../../etc/passwd",
        images + "/../conductor.mv.db",
        "file://" + images + "/%2e%2e/conductor.mv.db",
        "file://" + images + "/..%2Fconductor.mv.db",
        images.resolve("passwd").toString(),
        images.resolve("zero").toUri().toString(),
        images.resolve("db").toString(),
        database.toString(),
        master.resolve("0123456789abcdef0123456789abcdef01234567").toString(),
        otherNode.resolve("config").toString());
  }

  @Test
  void validateRefusesEveryLocalFileOutsideImageDirsBeforeReadingIt() throws Exception {
    for (String target : targets()) {
      deployKernel(target);
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () ->
              assertThatThrownBy(() -> deploy.validate(task))
                  .as(target)
                  .isInstanceOf(InvalidParameterValueException.class)
                  .hasMessageContaining("driver_info.deploy_kernel")
                  .hasMessageContaining("image_dirs")
                  .hasMessageNotContaining("hunter2"));
    }
  }

  @Test
  void validateRefusesThemAsTheImageToo() throws Exception {
    for (String target : targets()) {
      instanceInfo(mapOf("image_source", target, "image_checksum", "a".repeat(64)));
      assertThatThrownBy(() -> deploy.validate(task))
          .as(target)
          .isInstanceOf(InvalidParameterValueException.class)
          .hasMessageContaining("instance_info.image_source")
          .hasMessageContaining("image_dirs");
    }
  }

  @Test
  void validateNeverOpensAFifoInAnImageDir() throws Exception {
    Path fifo = images.resolve("fifo");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
    deployKernel(fifo.toString());
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> deploy.validate(task))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("image_dirs"));
  }

  @Test
  void localFilesAreRefusedWhenImageDirsIsEmpty() throws Exception {
    overrides.put("image_dirs", "");
    rebuild();
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("image_dirs is empty");
  }

  @Test
  void anAllowedFileWithItsChecksumIsServed() throws Exception {
    startServers();
    deploy.validate(task);
    deploy.prepare(task);
    assertThat(httpGet("/" + UUID + "/deploy_kernel"))
        .startsWith("HTTP/1.1 200")
        .endsWith("deploy_kernel bytes");
    assertThat(tftpGet(UUID + "/deploy_kernel")).isEqualTo("DATA deploy_kernel bytes");
  }

  @Test
  void aPrepareOfEtcPasswdOrTheDatabaseServesNothing() throws Exception {
    startServers();
    for (String target : List.of("/etc/passwd", "file://" + database)) {
      deployKernel(target);
      assertThatThrownBy(() -> deploy.prepare(task))
          .as(target)
          .isInstanceOf(InvalidParameterValueException.class)
          .hasMessageContaining("image_dirs");
      String reply = httpGet("/" + UUID + "/deploy_kernel");
      assertThat(reply)
          .as(target)
          .startsWith("HTTP/1.1 404")
          .doesNotContain("root:x:0:0", "hunter2");
      assertThat(tftpGet(UUID + "/deploy_kernel")).as(target).startsWith("ERROR");
      assertThat(tftpRoot.resolve(UUID)).doesNotExist();
      assertThat(httpRoot.resolve(UUID)).doesNotExist();
    }
  }

  @Test
  void aFileSwappedForALinkAfterValidateIsRefusedWhenFetched() throws Exception {
    startServers();
    // The deploy kernel comes over HTTP; while it is served, the deploy ramdisk (already
    // validated as a regular file in image_dirs) is swapped for a link to the database.
    byte[] kernel = "remote kernel".getBytes(StandardCharsets.US_ASCII);
    imageServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    imageServer.createContext(
        "/kernel",
        ex -> {
          Path ramdisk = images.resolve("deploy_ramdisk");
          Files.delete(ramdisk);
          Files.createSymbolicLink(ramdisk, database);
          ex.sendResponseHeaders(200, kernel.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(kernel);
          }
        });
    imageServer.start();
    driverInfo(
        mapOf(
            "deploy_kernel",
            "http://127.0.0.1:" + imageServer.getAddress().getPort() + "/kernel",
            "deploy_kernel_checksum",
            sha256(kernel),
            "deploy_ramdisk_checksum",
            null,
            ALLOW_UNVERIFIED,
            "true"));
    deploy.validate(task);
    assertThatThrownBy(() -> deploy.prepare(task))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("deploy_ramdisk")
        .hasMessageContaining("image_dirs")
        .hasMessageNotContaining("hunter2");
    // The kernel it had already linked is gone too: nothing of the node is served.
    assertThat(httpGet("/" + UUID + "/deploy_ramdisk")).startsWith("HTTP/1.1 404");
    assertThat(httpGet("/" + UUID + "/deploy_kernel")).startsWith("HTTP/1.1 404");
    assertThat(tftpRoot.resolve(UUID)).doesNotExist();
    assertThat(httpRoot.resolve(UUID)).doesNotExist();
  }

  @Test
  void aPrepareThatFailsPartWayLeavesNothingOfTheNodeInTheRoots() throws Exception {
    driverInfo(mapOf("deploy_ramdisk_checksum", "f".repeat(64)));
    deploy.validate(task);
    assertThatThrownBy(() -> deploy.prepare(task))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("failed verification");
    assertThat(tftpRoot.resolve(UUID)).doesNotExist();
    assertThat(httpRoot.resolve(UUID)).doesNotExist();
  }

  @Test
  void everyMissingBootFileChecksumIsListedWithTheOptOut() throws Exception {
    driverInfo(mapOf("deploy_kernel_checksum", null, "deploy_ramdisk_checksum", null));
    instanceInfo(mapOf("kernel_checksum", null, "ramdisk_checksum", null));
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class,
            e ->
                assertThat(e.missing())
                    .containsExactly(
                        "driver_info.deploy_kernel_checksum",
                        "driver_info.deploy_ramdisk_checksum",
                        "instance_info.kernel_checksum",
                        "instance_info.ramdisk_checksum"))
        .hasMessageContaining("driver_info.allow_unverified_boot_files=true");
  }

  @Test
  void theOptOutServesBootFilesUnverifiedButNeverTheImage() throws Exception {
    driverInfo(
        mapOf(
            "deploy_kernel_checksum",
            null,
            "deploy_ramdisk_checksum",
            null,
            ALLOW_UNVERIFIED,
            true));
    instanceInfo(mapOf("kernel_checksum", null, "ramdisk_checksum", null, "image_checksum", null));
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class,
            e -> assertThat(e.missing()).containsExactly("instance_info.image_checksum"));
    instanceInfo(mapOf("image_checksum", sha("disk.raw")));
    deploy.validate(task);
    deploy.prepare(task);
    assertThat(tftpRoot.resolve(UUID + "/deploy_kernel")).hasContent("deploy_kernel bytes");
  }

  @Test
  void theOptOutMustBeABoolean() {
    driverInfo(mapOf(ALLOW_UNVERIFIED, "maybe"));
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("driver_info.allow_unverified_boot_files 'maybe'");
  }

  @Test
  void localBootNeedsNoInstanceKernelChecksums() throws Exception {
    instanceInfo(
        mapOf(
            "capabilities",
            "boot_option:local",
            "kernel_checksum",
            null,
            "ramdisk_checksum",
            null));
    deploy.validate(task);
  }

  @Test
  void aDisallowedHostIsRefusedAtValidate() throws Exception {
    overrides.put("image_url_allowed_hosts", "images.example.org, *.cdn.example.org");
    rebuild();
    instanceInfo(
        mapOf(
            "image_source",
            "http://169.254.169.254/latest/meta-data?token=abc",
            "image_checksum",
            "a".repeat(64)));
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining(
            "instance_info.image_source 'http://169.254.169.254/latest/meta-data?…'")
        .hasMessageContaining("image_url_allowed_hosts")
        .hasMessageNotContaining("token=abc");
    instanceInfo(mapOf("image_source", "https://a.cdn.example.org/disk.raw"));
    deploy.validate(task);
  }

  void startServers() throws Exception {
    httpServer = HttpBootServer.start(httpRoot, new InetSocketAddress("127.0.0.1", 0));
    tftpServer =
        TftpServer.start(
            tftpRoot,
            new InetSocketAddress("127.0.0.1", 0),
            new TftpServerOptions(
                512,
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                1,
                Duration.ofSeconds(30),
                4,
                4));
  }

  /** A raw HTTP GET, as any host on the provisioning network sends it: status line and body. */
  String httpGet(String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", httpServer.localAddress().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return reply;
    }
  }

  /** A raw TFTP read request: "DATA <first block>" or "ERROR <message>". */
  String tftpGet(String file) throws IOException {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(3000);
      ByteArrayOutputStream rrq = new ByteArrayOutputStream();
      rrq.write(new byte[] {0, 1});
      rrq.writeBytes(file.getBytes(StandardCharsets.US_ASCII));
      rrq.write(0);
      rrq.writeBytes("octet".getBytes(StandardCharsets.US_ASCII));
      rrq.write(0);
      byte[] p = rrq.toByteArray();
      s.send(new DatagramPacket(p, p.length, tftpServer.localAddress()));
      byte[] buf = new byte[1024];
      DatagramPacket reply = new DatagramPacket(buf, buf.length);
      s.receive(reply);
      String rest = new String(buf, 4, reply.getLength() - 4, StandardCharsets.ISO_8859_1);
      if (buf[1] == 3) {
        byte[] ack = {0, 4, buf[2], buf[3]};
        s.send(new DatagramPacket(ack, ack.length, reply.getSocketAddress()));
        return "DATA " + rest;
      }
      return "ERROR " + rest.replace("\0", "");
    }
  }
}
