package org.amtpxe.virtualamt.internal.simulated;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.amtpxe.virtualamt.BootCause;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.BootError;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.HostPowerState;
import org.amtpxe.virtualamt.internal.machine.ThreadedMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine for demos and tests without QEMU: its firmware really boots from the network, but
 * nothing is executed. A network boot fetches the boot script DHCP would name, follows the chain
 * the PXE deploy writes (boot.ipxe, then the per-MAC script, then its default label) and downloads
 * the kernel and initrds. A deploy ramdisk (a kernel line with {@code deployment_id=} and {@code
 * ironic_api_url=}) is then acted out after the deploy ramdisk contract: look up the agent token by
 * the machine's MAC, fetch the image, verify its checksum, write it to the disk file, POST {@code
 * pass_deploy_info} with the token (both from the machine's own address), wait for "done" on the
 * notify port and reboot. Any other kernel is recorded as the booted instance; a disk boot records
 * that the host booted from its disk. Every step is a note on the boot in the AMT's boot history.
 *
 * <p>The reboot after "done" is the host's own, so AMT's one-time boot override is consumed exactly
 * as by firmware: the instance only netboots when the driver re-armed PXE.
 */
public final class SimulatedFirmwareMachine extends ThreadedMachine {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedFirmwareMachine.class);
  // NOTE: the ramdisk retries its lookup and its callback as IPA does: with a growing wait, for a
  // bounded time. A conductor that died between the lookup and the callback is replaced within the
  // cluster's heartbeat timeout plus one heartbeat; meanwhile the API answers 503 or is unreachable
  // (docs/ironic-api.md#several-conductors).
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LONGEST_RETRY = Duration.ofSeconds(5);
  static final Duration LOOKUP_DEADLINE = Duration.ofSeconds(300);
  static final Duration CALLBACK_DEADLINE = Duration.ofSeconds(180);
  private static final Map<String, String> API_VERSION =
      Map.of("X-OpenStack-Ironic-API-Version", "1.22");

  private final SimulatedFirmwareOptions options;
  private final HttpClient http;
  private final ObjectMapper mapper = new ObjectMapper();
  private final AtomicLong generation = new AtomicLong();
  private volatile Thread bootThread;
  private volatile ServerSocket notifySocket;
  private volatile String activity = "off";

  /**
   * Creates the machine, powered off.
   *
   * @param name the node's name (for threads and logs)
   * @param options how it boots
   */
  public SimulatedFirmwareMachine(String name, SimulatedFirmwareOptions options) {
    super(name, "simfw", "simulated machine");
    this.options = Objects.requireNonNull(options, "options");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(options.httpTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The wired port carries this machine's MAC; a fixed disk size replaces the declared disk. */
  @Override
  public Hardware hardware(Hardware declared) {
    Hardware h = declared.withSharedMac(options.mac());
    if (options.diskSizeMb() > 0) {
      Hardware.Disk first = h.disks().isEmpty() ? null : h.disks().get(0);
      h =
          h.withDisks(
              List.of(
                  new Hardware.Disk(
                      first == null ? null : first.model(),
                      first == null ? null : first.serialNumber(),
                      (long) options.diskSizeMb() * 1024 * 1024)));
    }
    return h;
  }

  @Override
  public void powerOn() {
    submit(
        () -> {
          if (powerState() == HostPowerState.OFF) {
            setState(HostPowerState.ON);
            startBoot(BootCause.AMT_POWER_ON);
          }
        });
  }

  @Override
  public void powerOff() {
    submit(this::off);
  }

  @Override
  public void reset() {
    submit(() -> rebootIfOn(BootCause.AMT_RESET));
  }

  @Override
  public void powerCycle() {
    submit(
        () -> {
          if (powerState() == HostPowerState.ON) {
            off();
            setState(HostPowerState.ON);
            startBoot(BootCause.AMT_POWER_CYCLE);
          }
        });
  }

  @Override
  public void gracefulShutdown() {
    submit(this::off);
  }

  @Override
  public void gracefulReset() {
    submit(() -> rebootIfOn(BootCause.AMT_GRACEFUL_RESET));
  }

  @Override
  public void suspend(HostPowerState target) {
    LOG.info("Node {}: the simulated machine does not suspend to {}; ignored", name(), target);
  }

  @Override
  public void diagnosticInterrupt() {
    submit(() -> note(generation.get(), "nmi: a diagnostic interrupt reached the host"));
  }

  @Override
  public void hostReboot() {
    submit(() -> rebootIfOn(BootCause.HOST_REBOOT));
  }

  @Override
  public void hostShutdown() {
    submit(this::off);
  }

  @Override
  public void pressPowerButton() {
    submit(
        () -> {
          if (powerState() == HostPowerState.OFF) {
            setState(HostPowerState.ON);
            startBoot(BootCause.HOST_POWER_ON);
          } else {
            off();
          }
        });
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("type", "simulated");
    d.put("mac", options.mac());
    d.put("address", options.address());
    d.put("bootUrl", options.bootUrl().toString());
    d.put("disk", options.disk().toString());
    d.put("diskDevice", options.diskDevice());
    d.put("activity", activity);
    return d;
  }

  @Override
  public void close() {
    generation.incrementAndGet();
    closeNotifySocket();
    Thread t = bootThread;
    if (t != null) {
      t.interrupt();
    }
    stopWorker();
  }

  // ---- power, on the worker thread ----

  private void off() {
    cancelBoot();
    activity = "off";
    setState(HostPowerState.OFF);
  }

  private void rebootIfOn(BootCause cause) {
    if (powerState() == HostPowerState.ON) {
      cancelBoot();
      startBoot(cause);
    }
  }

  private void startBoot(BootCause cause) {
    long gen = generation.incrementAndGet();
    BootDevice device = requireHost().bootStarting(cause);
    Thread t = new Thread(() -> runBoot(gen, device), "simfw-" + name() + "-boot-" + gen);
    t.setDaemon(true);
    bootThread = t;
    t.start();
  }

  private void cancelBoot() {
    generation.incrementAndGet();
    closeNotifySocket();
    Thread t = bootThread;
    bootThread = null;
    if (t != null) {
      t.interrupt();
    }
  }

  // ---- a boot, on its own thread ----

  private void runBoot(long gen, BootDevice device) {
    try {
      switch (device) {
        case PXE -> networkBoot(gen);
        case DISK -> diskBoot(gen);
        case CDROM -> {
          activity = "no CD/DVD drive";
          note(gen, "cdrom: the machine has no CD/DVD drive; nothing boots");
          failed(gen, BootError.NO_REMOVABLE_MEDIA);
        }
        case BIOS -> {
          activity = "BIOS setup";
          note(gen, "bios: the BIOS setup screen waits for a user");
        }
      }
    } catch (InterruptedException e) {
      LOG.debug("Node {}: boot {} cancelled", name(), gen);
    } catch (RuntimeException e) {
      note(gen, "boot failed: " + e);
      LOG.warn("Node {}: simulated boot failed", name(), e);
    }
  }

  private void networkBoot(long gen) throws InterruptedException {
    activity = "network boot";
    Map<String, String> settings =
        Map.of(
            "mac", options.mac(),
            "mac:hexhyp", options.macHyphenated(),
            "mac:hexraw", options.mac().replace(":", ""),
            "ip", options.address());
    URI script = options.bootUrl();
    if (options.dhcp() != null) {
      try {
        script = options.dhcp().ipxeBootFile(options.mac()).orElse(script);
      } catch (IOException e) {
        note(gen, "dhcp: cannot read the DHCP entries (" + e.getMessage() + "); using " + script);
      }
    }
    IpxeScript.Outcome outcome = IpxeScript.run(script, settings, new Downloads());
    if (!current(gen)) {
      return;
    }
    String chain =
        outcome.scripts().stream().map(URI::toString).collect(Collectors.joining(" -> "));
    if (outcome instanceof IpxeScript.Boot boot) {
      Map<String, String> args = kernelArguments(boot.cmdline());
      boolean ramdisk = args.containsKey("deployment_id") && args.containsKey("ironic_api_url");
      note(
          gen,
          "pxe: "
              + chain
              + (boot.label().isEmpty() ? "" : ", label " + boot.label())
              + " -> "
              + (ramdisk ? "deploy ramdisk" : "instance"));
      if (ramdisk) {
        deployRamdisk(gen, boot, args);
      } else {
        activity = "instance running";
        note(
            gen,
            "instance: kernel "
                + boot.kernel()
                + ", initrd "
                + boot.initrds().stream().map(URI::toString).collect(Collectors.joining(" "))
                + ", cmdline '"
                + boot.cmdline()
                + "'");
      }
    } else if (outcome instanceof IpxeScript.Exit exit) {
      note(gen, "pxe: " + chain + " left iPXE (" + exit.message() + "); next device: disk");
      diskBoot(gen);
    } else {
      activity = "network boot failed";
      note(gen, "pxe: " + chain + " failed: " + ((IpxeScript.Failure) outcome).message());
      failed(gen, BootError.PXE_SERVER_NOT_FOUND);
    }
  }

  private void diskBoot(long gen) {
    Path disk = options.disk();
    boolean bootable = false;
    try (InputStream in = Files.newInputStream(disk)) {
      byte[] head = in.readNBytes(1024 * 1024);
      for (byte b : head) {
        if (b != 0) {
          bootable = true;
          break;
        }
      }
    } catch (IOException e) {
      bootable = false;
    }
    if (bootable) {
      activity = "running from disk";
      note(gen, "disk: booted the system on " + options.diskDevice() + " (" + disk + ")");
    } else {
      activity = "no bootable device";
      note(gen, "disk: " + options.diskDevice() + " is empty: no bootable device");
      failed(gen, BootError.NO_BOOTABLE_MEDIA);
    }
  }

  /** The deploy ramdisk contract (bundle-pxe README, "The deploy ramdisk contract"). */
  private void deployRamdisk(long gen, IpxeScript.Boot boot, Map<String, String> args)
      throws InterruptedException {
    activity = "deploy ramdisk";
    String error = null;
    for (String key : List.of("deployment_id", "ironic_api_url", "image_url", "image_checksum")) {
      if (args.getOrDefault(key, "").isEmpty() && error == null) {
        error = "the kernel command line lacks " + key;
      }
    }
    try (RamdiskHttp api =
        new RamdiskHttp(InetAddress.getByName(options.address()), options.httpTimeout())) {
      String token = error == null ? lookUp(gen, api, args) : null;
      if (token == null && error == null) {
        return; // no token: the callback cannot be accepted; the conductor times the deploy out
      }
      deployWithToken(gen, api, args, token, error);
    } catch (IOException e) {
      note(gen, "deploy ramdisk: " + e);
    }
  }

  /**
   * The agent token: the first lookup by the machine's MAC while the node waits for its callback
   * gets it; the conductor answers 404 before that and after.
   *
   * @return the token, or null when none came
   */
  private String lookUp(long gen, RamdiskHttp api, Map<String, String> args)
      throws InterruptedException {
    URI url =
        URI.create(
            args.get("ironic_api_url")
                + "/v1/lookup?addresses="
                + options.mac()
                + "&node_uuid="
                + args.get("deployment_id"));
    String last = "";
    long deadline = System.nanoTime() + LOOKUP_DEADLINE.toNanos();
    for (Duration wait = FIRST_RETRY;
        current(gen) && System.nanoTime() < deadline;
        wait = longer(wait)) {
      try {
        RamdiskHttp.Reply r = api.get(url, API_VERSION);
        if (r.status() == 200) {
          String token = mapper.readTree(r.body()).path("config").path("agent_token").asText("");
          if (!token.isEmpty()) {
            note(gen, "deploy ramdisk: lookup " + options.mac() + " -> agent token");
            return token;
          }
          last = "HTTP 200 without config.agent_token";
        } else {
          last = "HTTP " + r.status();
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(wait.toMillis());
    }
    note(gen, "deploy ramdisk: no agent token from " + url + " (" + last + "); giving up");
    activity = "deploy ramdisk: no agent token";
    return null;
  }

  private void deployWithToken(
      long gen, RamdiskHttp api, Map<String, String> args, String token, String failure)
      throws InterruptedException {
    String error = failure;
    String target = null;
    if (error == null) {
      List<String> disks = Arrays.asList(args.getOrDefault("disk", "").split(","));
      if (disks.contains(options.diskDevice())) {
        target = "/dev/" + options.diskDevice();
      } else {
        error =
            "none of the disks "
                + disks
                + " exists (this machine has "
                + options.diskDevice()
                + ")";
      }
    }
    if (error == null) {
      error = writeImage(gen, args, target);
    }
    if (!current(gen)) {
      return;
    }
    int port = parsePort(args.get("notify_port"));
    try (ServerSocket listener = new ServerSocket()) {
      try {
        listener.bind(new InetSocketAddress(InetAddress.getByName(options.address()), port));
      } catch (IOException e) {
        note(gen, "deploy ramdisk: cannot listen on " + options.address() + ":" + port + ": " + e);
        if (error == null) {
          error = "cannot listen on notify port " + port;
        }
      }
      notifySocket = listener;
      callBack(gen, api, args, token, error, target);
      if (!listener.isBound() || !current(gen)) {
        return;
      }
      activity = "deploy ramdisk: waiting for done";
      listener.setSoTimeout((int) Math.min(Integer.MAX_VALUE, options.notifyTimeout().toMillis()));
      String received;
      try (Socket s = listener.accept();
          InputStream in = s.getInputStream()) {
        s.setSoTimeout(10_000);
        received = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
      } catch (SocketTimeoutException e) {
        note(
            gen, "deploy ramdisk: no 'done' within " + options.notifyTimeout() + "; still waiting");
        activity = "deploy ramdisk: gave up waiting for done";
        return;
      } catch (SocketException e) {
        return; // closed: powered off or reset meanwhile
      }
      if (!current(gen)) {
        return;
      }
      note(gen, "deploy ramdisk: received '" + received + "' on port " + port + "; rebooting");
    } catch (IOException e) {
      note(gen, "deploy ramdisk: " + e);
      return;
    } finally {
      notifySocket = null;
    }
    activity = "deploy ramdisk: rebooting";
    hostReboot();
  }

  /** Downloads, verifies and writes the image; returns an error or null. */
  private String writeImage(long gen, Map<String, String> args, String target)
      throws InterruptedException {
    String algorithm = args.getOrDefault("image_checksum_algo", "sha256").toLowerCase(Locale.ROOT);
    String javaAlgorithm =
        switch (algorithm) {
          case "sha256" -> "SHA-256";
          case "md5" -> "MD5";
          default -> null;
        };
    if (javaAlgorithm == null) {
      return "unknown image_checksum_algo " + algorithm;
    }
    URI image = URI.create(args.get("image_url"));
    Path download = options.disk().resolveSibling(options.disk().getFileName() + ".download");
    try {
      Files.createDirectories(download.toAbsolutePath().getParent());
      MessageDigest digest = MessageDigest.getInstance(javaAlgorithm);
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(image).timeout(options.httpTimeout().multipliedBy(10)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      long size;
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          return "cannot download " + image + ": HTTP " + response.statusCode();
        }
        try (InputStream in = new DigestInputStream(body, digest)) {
          size = Files.copy(in, download, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      String expected = args.get("image_checksum").toLowerCase(Locale.ROOT);
      if (!actual.equals(expected)) {
        return "image checksum mismatch: expected "
            + algorithm
            + " "
            + expected
            + ", got "
            + actual;
      }
      long limit = (long) options.diskSizeMb() * 1024 * 1024;
      if (limit > 0 && size > limit) {
        return "the image (" + size + " bytes) is larger than the disk (" + limit + " bytes)";
      }
      if (!current(gen)) {
        return null;
      }
      try (FileChannel from = FileChannel.open(download);
          FileChannel to =
              FileChannel.open(
                  options.disk(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        long done = 0;
        while (done < size) {
          done += from.transferTo(done, size - done, to.position(done));
        }
        if (limit > 0 && to.size() < limit) {
          to.write(ByteBuffer.wrap(new byte[1]), limit - 1);
        }
        to.force(true);
      }
      if (!options.imageWriteTime().isZero()) {
        activity = "deploy ramdisk: writing the image";
        Thread.sleep(options.imageWriteTime().toMillis());
        if (!current(gen)) {
          return null;
        }
      }
      note(
          gen,
          "deploy ramdisk: image "
              + image
              + " ("
              + size
              + " bytes, "
              + algorithm
              + " verified) written to "
              + target
              + " ("
              + options.disk()
              + ")");
      return null;
    } catch (IOException e) {
      return "cannot download or write the image: " + e.getMessage();
    } catch (NoSuchAlgorithmException e) {
      return "the JVM has no " + javaAlgorithm;
    } finally {
      try {
        Files.deleteIfExists(download);
      } catch (IOException e) {
        LOG.debug("Node {}: could not remove {}: {}", name(), download, e.toString());
      }
    }
  }

  private void callBack(
      long gen,
      RamdiskHttp conductor,
      Map<String, String> args,
      String token,
      String error,
      String disk)
      throws InterruptedException {
    if (error != null) {
      note(gen, "deploy ramdisk: error: " + error);
    }
    String api = args.getOrDefault("ironic_api_url", "");
    String id = args.getOrDefault("deployment_id", "");
    if (api.isEmpty() || id.isEmpty()) {
      note(gen, "deploy ramdisk: no ironic_api_url or deployment_id; cannot call back");
      return;
    }
    Map<String, String> body = new LinkedHashMap<>();
    body.put("agent_token", token == null ? "" : token);
    body.put("error", error == null ? "" : error);
    if (disk != null) {
      body.put("disk", disk);
    }
    URI url = URI.create(api + "/v1/nodes/" + id + "/vendor_passthru/pass_deploy_info");
    String json;
    try {
      json = mapper.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String last = "";
    long deadline = System.nanoTime() + CALLBACK_DEADLINE.toNanos();
    for (Duration wait = FIRST_RETRY;
        current(gen) && System.nanoTime() < deadline;
        wait = longer(wait)) {
      try {
        RamdiskHttp.Reply r = conductor.postJson(url, json, API_VERSION);
        if (r.status() / 100 == 2) {
          note(gen, "deploy ramdisk: pass_deploy_info -> HTTP " + r.status());
          return;
        }
        last = "HTTP " + r.status() + (r.body().isBlank() ? "" : " " + abbreviate(r.body()));
      } catch (IOException e) {
        last = e.toString();
      }
      note(
          gen,
          "deploy ramdisk: pass_deploy_info: " + last + "; again in " + wait.toSeconds() + " s");
      Thread.sleep(wait.toMillis());
    }
    note(gen, "deploy ramdisk: pass_deploy_info to " + url + " failed: " + last);
  }

  /** The next wait between retries: twice the last, at most {@link #LONGEST_RETRY}. */
  static Duration longer(Duration wait) {
    Duration twice = wait.multipliedBy(2);
    return twice.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : twice;
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text == null ? "10000" : text);
      return port > 0 && port < 65536 ? port : 10000;
    } catch (NumberFormatException e) {
      return 10000;
    }
  }

  /** {@code key=value} words of a kernel command line (the last one wins, as in /proc/cmdline). */
  static Map<String, String> kernelArguments(String cmdline) {
    Map<String, String> args = new LinkedHashMap<>();
    for (String word : cmdline.trim().split("\\s+")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        args.put(word.substring(0, eq), word.substring(eq + 1));
      } else if (!word.isEmpty()) {
        args.put(word, "");
      }
    }
    return args;
  }

  private boolean current(long gen) {
    return generation.get() == gen;
  }

  private void note(long gen, String text) {
    if (current(gen)) {
      requireHost().bootNote(text);
    }
  }

  private void failed(long gen, BootError error) {
    if (current(gen)) {
      requireHost().bootFailed(error);
    }
  }

  private void closeNotifySocket() {
    ServerSocket s = notifySocket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.debug("Node {}: closing the notify socket: {}", name(), e.toString());
      }
    }
  }

  /** HTTP downloads as firmware makes them: a 200 reply, or an error naming the status. */
  private final class Downloads implements IpxeScript.Fetcher {
    @Override
    public byte[] fetch(URI uri) throws IOException {
      HttpResponse<byte[]> r = send(uri, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode());
      }
      return r.body();
    }

    @Override
    public long download(URI uri) throws IOException {
      HttpResponse<InputStream> r = send(uri, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          throw new IOException("HTTP " + r.statusCode());
        }
        return in.transferTo(OutputStream.nullOutputStream());
      }
    }

    private <T> HttpResponse<T> send(URI uri, HttpResponse.BodyHandler<T> handler)
        throws IOException {
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IOException("the simulated firmware only fetches http(s) URLs");
      }
      try {
        return http.send(
            HttpRequest.newBuilder(uri).timeout(options.httpTimeout()).build(), handler);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
