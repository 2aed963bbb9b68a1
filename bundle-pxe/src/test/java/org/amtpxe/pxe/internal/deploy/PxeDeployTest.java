package org.amtpxe.pxe.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.driver.DeployState;
import org.amtpxe.api.error.DeployFailureException;
import org.amtpxe.api.error.ExclusiveLockRequiredException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.pxe.internal.Golden;
import org.amtpxe.pxe.internal.ServedFiles;
import org.amtpxe.pxe.internal.boot.BootConfigWriter;
import org.amtpxe.pxe.internal.cache.ImageCache;
import org.amtpxe.pxe.internal.config.PxeSettings;
import org.amtpxe.pxe.internal.config.TestConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PxeDeployTest {
  static final String UUID = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";
  static final String MAC = "52:54:00:12:34:56";

  @TempDir Path dir;
  Path boot;
  Path images;
  String imageSha256;
  Map<String, Object> overrides = new HashMap<>();
  boolean notifyFails;
  PxeDeploy deploy;
  FakeTask task;
  ImageCache cache;
  ServedFiles served;

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** The sha256 of a file under images. */
  String sha(String file) throws Exception {
    return sha256(Files.readAllBytes(images.resolve(file)));
  }

  @BeforeEach
  void setUp() throws Exception {
    boot = dir.resolve("tftpboot");
    // The default image_dirs: ${karaf.data}/amtpxe/images, with karaf.data = dir.
    images = Files.createDirectories(dir.resolve("amtpxe/images"));
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "vmlinuz", "initrd")) {
      Files.writeString(images.resolve(f), f + " bytes");
    }
    byte[] image = "a disk image".getBytes();
    Files.write(images.resolve("disk.raw"), image);
    imageSha256 = sha256(image);
    overrides.put("tftp_root", boot.toString());
    overrides.put("image_cache_dir", dir.resolve("master").toString());
    overrides.put("api_url", "http://192.168.77.1:6385/");
    overrides.put("http_url", "http://192.168.77.1:8080");
    overrides.put("pxe_append_params", "console=ttyS0");
    task = newTask(Map.of());
    rebuild();
  }

  void rebuild() {
    PxeSettings settings = PxeSettings.from(TestConfigs.config(overrides), dir);
    cache =
        new ImageCache(
            settings.imageCacheDir(),
            settings.imageCacheSizeBytes(),
            settings.imageCacheTtl(),
            settings.imageSources(),
            Clock.systemUTC());
    DeployEnvironment env = new DeployEnvironment(settings, cache);
    RamdiskNotifier notifier =
        (address, port, timeout) -> {
          task.calls.add("notify " + address + ":" + port);
          if (notifyFails) {
            throw new DeployFailureException("ramdisk unreachable");
          }
        };
    served = new ServedFiles(() -> null, Clock.systemUTC());
    deploy = new PxeDeploy(() -> env, new BootConfigWriter(), notifier, served);
    task.deploy = deploy;
  }

  FakeTask newTask(Map<String, Object> instanceExtra) throws Exception {
    Map<String, Object> ii = new HashMap<>();
    ii.put("image_source", images.resolve("disk.raw").toString());
    ii.put("image_checksum", imageSha256);
    ii.put("kernel", images.resolve("vmlinuz").toUri().toString());
    ii.put("kernel_checksum", sha("vmlinuz"));
    ii.put("ramdisk", images.resolve("initrd").toString());
    ii.put("ramdisk_checksum", "sha256:" + sha("initrd"));
    ii.putAll(instanceExtra);
    Node node =
        Node.builder(UUID, "pxe_amt")
            .name("desk-1")
            .driverInfo(
                Map.of(
                    "deploy_kernel", images.resolve("deploy_kernel").toString(),
                    "deploy_kernel_checksum", sha("deploy_kernel"),
                    "deploy_ramdisk", images.resolve("deploy_ramdisk").toString(),
                    "deploy_ramdisk_checksum", sha("deploy_ramdisk")))
            .instanceInfo(ii)
            .provisionState(ProvisionState.DEPLOYING)
            .build();
    FakeTask t = new FakeTask(node, List.of(FakeTask.port(UUID, MAC)));
    t.deploy = deploy;
    return t;
  }

  String read(String relative) throws IOException {
    return Files.readString(boot.resolve(relative));
  }

  void deployed() throws Exception {
    deploy.prepare(task);
    assertThat(deploy.deploy(task)).isEqualTo(DeployState.WAIT_CALLBACK);
    task.node = task.node().toBuilder().provisionState(ProvisionState.WAIT_CALLBACK).build();
    task.calls.clear();
  }

  Map<String, Object> callback() {
    return Map.of("address", "192.168.77.100", "error", "", "disk", "/dev/vda");
  }

  @Test
  void prepareHardLinksTheBootFilesAndTheImageIntoTheNodeFolder() throws Exception {
    deploy.prepare(task);
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "kernel", "ramdisk", "disk")) {
      Path p = boot.resolve(UUID).resolve(f);
      assertThat(p).isRegularFile();
      assertThat(Files.getAttribute(p, "unix:nlink")).as(f).isEqualTo(2);
    }
    assertThat(read(UUID + "/kernel")).isEqualTo("vmlinuz bytes");
  }

  @Test
  void deployWritesTheDeployConfigsSetsPxeAndReboots() throws Exception {
    deploy.prepare(task);
    assertThat(deploy.deploy(task)).isEqualTo(DeployState.WAIT_CALLBACK);
    assertThat(task.calls)
        .containsExactly("management.setBootDevice pxe persistent", "power.reboot");
    Golden.assertMatches("pxelinux-bios-deploy.cfg", read(UUID + "/config"));
    Golden.assertMatches("ipxe-bios-deploy.ipxe", read(UUID + "/config.ipxe"));
    Path pxelinuxLink = boot.resolve("pxelinux.cfg/01-52-54-00-12-34-56");
    Path ipxeLink = boot.resolve("pxelinux.cfg/52-54-00-12-34-56");
    assertThat(Files.readSymbolicLink(pxelinuxLink)).isEqualTo(Path.of("../" + UUID + "/config"));
    assertThat(Files.readSymbolicLink(ipxeLink)).isEqualTo(Path.of("../" + UUID + "/config.ipxe"));
    assertThat(Files.readString(pxelinuxLink)).contains("default deploy");
  }

  @Test
  void nothingServedCarriesASecret() throws Exception {
    deployed();
    for (String served : List.of(UUID + "/config", UUID + "/config.ipxe")) {
      assertThat(read(served))
          .doesNotContain("deployment_key")
          .doesNotContain("token")
          .contains("deployment_id=" + UUID)
          .contains("ironic_api_url=");
    }
    assertThat(task.node().instanceInfo()).doesNotContainKey(PxeDeploy.LEGACY_DEPLOY_KEY);
  }

  @Test
  void netbootContinueRearmsPxeBeforeTellingTheRamdiskToReboot() throws Exception {
    deployed();
    Object inodeBefore = Files.getAttribute(boot.resolve(UUID + "/config"), "unix:ino");
    assertThat(deploy.continueDeploy(task, "pass_deploy_info", callback()))
        .isEqualTo(DeployState.DONE);
    assertThat(task.calls)
        .containsExactly("management.ensureNextBootDevice pxe", "notify 192.168.77.100:10000");
    Golden.assertMatches("pxelinux-bios-instance.cfg", read(UUID + "/config"));
    Golden.assertMatches("ipxe-bios-instance.ipxe", read(UUID + "/config.ipxe"));
    // A new file renamed into place, not the old one rewritten.
    assertThat(Files.getAttribute(boot.resolve(UUID + "/config"), "unix:ino"))
        .isNotEqualTo(inodeBefore);
    assertThat(Files.readString(boot.resolve("pxelinux.cfg/01-52-54-00-12-34-56")))
        .startsWith("default instance");
    assertThat(boot.resolve(UUID + "/disk")).as("the image is no longer served").doesNotExist();
    assertThat(boot.resolve(UUID + "/kernel")).isRegularFile();
    assertThat(task.node().driverInternalInfo()).containsEntry(PxeDeploy.ROOT_KEY, "/dev/vda");
  }

  @Test
  void eachDeployStepIsRecordedInTheHistoryAfterItIsDone() throws Exception {
    task.eventsInCalls = true;
    deploy.prepare(task);
    deploy.deploy(task);
    assertThat(served.isWatched(UUID)).as("files served from now on are noted").isTrue();
    task.node = task.node().toBuilder().provisionState(ProvisionState.WAIT_CALLBACK).build();
    deploy.continueDeploy(task, "pass_deploy_info", callback());
    assertThat(task.calls)
        .containsExactly(
            "management.setBootDevice pxe persistent",
            "event deploying deploy.deploy: PXE armed as the boot device; rebooting into the"
                + " deploy ramdisk",
            "power.reboot",
            "management.ensureNextBootDevice pxe",
            "event deploying deploy.prepare_instance_boot: PXE re-armed as the next boot device;"
                + " the boot configuration now boots the instance (/dev/vda)",
            "notify 192.168.77.100:10000",
            "event deploying deploy.boot_instance: the deploy ramdisk at 192.168.77.100 was told"
                + " to reboot into the netbooted instance");
    assertThat(served.isWatched(UUID)).as("the instance's own boots are not noted").isFalse();
  }

  @Test
  void aLocalBootDeployRecordsTheDiskAsItsBootDevice() throws Exception {
    task = newTask(Map.of("capabilities", Map.of("boot_option", "local")));
    rebuild();
    deployed();
    deploy.continueDeploy(task, "pass_deploy_info", callback());
    assertThat(task.events)
        .containsExactly(
            "deploying deploy.deploy: PXE armed as the boot device; rebooting into the deploy"
                + " ramdisk",
            "deploying deploy.prepare_instance_boot: the disk set as the persistent boot device;"
                + " the PXE configuration removed",
            "deploying deploy.boot_instance: the deploy ramdisk at 192.168.77.100 was told to"
                + " reboot into the local disk");
  }

  @Test
  void aFailedCallbackOrACleanUpStopsNotingServedFiles() throws Exception {
    deployed();
    assertThat(served.isWatched(UUID)).isTrue();
    Map<String, Object> failed = new HashMap<>(callback());
    failed.put("error", "disk on fire");
    assertThatThrownBy(() -> deploy.continueDeploy(task, "pass_deploy_info", failed))
        .isInstanceOf(DeployFailureException.class);
    assertThat(served.isWatched(UUID)).isFalse();
    served.deployStarted(UUID);
    deploy.cleanUp(task);
    assertThat(served.isWatched(UUID)).isFalse();
    assertThat(task.events).as("a failure is the conductor's event, not a step").hasSize(1);
  }

  @Test
  void netbootContinueUsesTheReportedRootUuid() throws Exception {
    deployed();
    Map<String, Object> body = new HashMap<>(callback());
    body.put("root_uuid", "0a1b2c3d-1111-2222-3333-444455556666");
    deploy.continueDeploy(task, "pass_deploy_info", body);
    assertThat(read(UUID + "/config"))
        .contains("root=UUID=0a1b2c3d-1111-2222-3333-444455556666 ro console=ttyS0");
  }

  @Test
  void withRearmOffTheContinueDoesNotRearmPxe() throws Exception {
    overrides.put("rearm_before_reboot", false);
    rebuild();
    deployed();
    deploy.continueDeploy(task, "pass_deploy_info", callback());
    assertThat(task.calls).containsExactly("notify 192.168.77.100:10000");
  }

  @Test
  void localBootContinueSetsTheDiskRemovesTheConfigAndDoesNotRearm() throws Exception {
    task = newTask(Map.of("capabilities", Map.of("boot_option", "local")));
    rebuild();
    deployed();
    assertThat(deploy.continueDeploy(task, "pass_deploy_info", callback()))
        .isEqualTo(DeployState.DONE);
    assertThat(task.calls)
        .containsExactly("management.setBootDevice disk persistent", "notify 192.168.77.100:10000");
    assertThat(boot.resolve(UUID + "/config")).doesNotExist();
    assertThat(boot.resolve(UUID + "/config.ipxe")).doesNotExist();
    assertThat(boot.resolve("pxelinux.cfg/01-52-54-00-12-34-56")).doesNotExist();
    assertThat(Files.isSymbolicLink(boot.resolve("pxelinux.cfg/52-54-00-12-34-56"))).isFalse();
  }

  @Test
  void localBootNeedsNoInstanceKernel() throws Exception {
    task = newTask(Map.of("capabilities", "boot_option:local"));
    Map<String, Object> ii = new HashMap<>(task.node().instanceInfo());
    ii.remove("kernel");
    ii.remove("ramdisk");
    task.node = task.node().toBuilder().instanceInfo(ii).build();
    rebuild();
    deploy.validate(task);
    deploy.prepare(task);
    assertThat(boot.resolve(UUID + "/kernel")).doesNotExist();
  }

  @Test
  void uefiNodesGetAnIpxeScriptNamingTheInitrdAndNoPxelinuxConfig() throws Exception {
    task = newTask(Map.of("capabilities", "{\"boot_mode\": \"uefi\"}"));
    rebuild();
    deployed();
    assertThat(boot.resolve(UUID + "/config")).doesNotExist();
    assertThat(boot.resolve("pxelinux.cfg/01-52-54-00-12-34-56")).doesNotExist();
    Golden.assertMatches("ipxe-uefi-deploy.ipxe", read(UUID + "/config.ipxe"));
    deploy.continueDeploy(task, "pass_deploy_info", callback());
    Golden.assertMatches("ipxe-uefi-instance.ipxe", read(UUID + "/config.ipxe"));
  }

  @Test
  void separateRootsGetTheirOwnLinksAndFiles() throws Exception {
    Path http = dir.resolve("httpboot");
    overrides.put("http_root", http.toString());
    rebuild();
    deployed();
    assertThat(boot.resolve(UUID + "/config")).isRegularFile();
    assertThat(boot.resolve(UUID + "/deploy_kernel")).isRegularFile();
    assertThat(boot.resolve(UUID + "/disk")).doesNotExist();
    assertThat(http.resolve(UUID + "/config.ipxe")).isRegularFile();
    assertThat(http.resolve(UUID + "/deploy_kernel")).isRegularFile();
    assertThat(http.resolve(UUID + "/disk")).isRegularFile();
    assertThat(Files.isSymbolicLink(http.resolve("pxelinux.cfg/52-54-00-12-34-56"))).isTrue();
    assertThat(http.resolve("pxelinux.cfg/01-52-54-00-12-34-56")).doesNotExist();
  }

  @Test
  void aRamdiskErrorFailsTheDeployAndChangesNothing() throws Exception {
    deployed();
    String before = read(UUID + "/config");
    Map<String, Object> body = new HashMap<>(callback());
    body.put("error", "dd: /dev/vda: No space left on device");
    assertThatThrownBy(() -> deploy.continueDeploy(task, "pass_deploy_info", body))
        .isInstanceOf(DeployFailureException.class)
        .hasMessageContaining("desk-1")
        .hasMessageContaining("No space left on device");
    assertThat(task.calls).isEmpty();
    assertThat(read(UUID + "/config")).isEqualTo(before);
  }

  @Test
  void anUnreachableRamdiskFailsTheDeploy() throws Exception {
    deployed();
    notifyFails = true;
    assertThatThrownBy(() -> deploy.continueDeploy(task, "pass_deploy_info", callback()))
        .isInstanceOf(DeployFailureException.class);
  }

  @Test
  void validateCallbackAcceptsTheConductorsAddress() throws Exception {
    deployed();
    deploy.validateCallback(task, "pass_deploy_info", callback());
    assertThat(task.calls).isEmpty();
  }

  @Test
  void validateCallbackNamesEveryMissingParameter() throws Exception {
    deployed();
    assertThatThrownBy(() -> deploy.validateCallback(task, "pass_deploy_info", Map.of()))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class,
            e -> assertThat(e.missing()).containsExactly("address"));
  }

  @Test
  void validateCallbackRejectsUnknownMethodsAndBadAddresses() throws Exception {
    deployed();
    assertThatThrownBy(() -> deploy.validateCallback(task, "heartbeat", callback()))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("pass_deploy_info");
    Map<String, Object> body = new HashMap<>(callback());
    body.put("address", "evil.example.com");
    assertThatThrownBy(() -> deploy.validateCallback(task, "pass_deploy_info", body))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("not an IP address");
  }

  @Test
  void cleanUpRemovesTheKeyAnEarlierVersionLeft() throws Exception {
    task.node =
        task.node().toBuilder()
            .instanceInfo(
                Map.of("image_source", "x", PxeDeploy.LEGACY_DEPLOY_KEY, "from-version-1.0"))
            .build();
    deploy.cleanUp(task);
    assertThat(task.node().instanceInfo()).doesNotContainKey(PxeDeploy.LEGACY_DEPLOY_KEY);
  }

  @Test
  void stepsThatChangeTheNodeNeedTheExclusiveLock() {
    task.shared = true;
    assertThatThrownBy(() -> deploy.deploy(task))
        .isInstanceOf(ExclusiveLockRequiredException.class);
    assertThatThrownBy(() -> deploy.continueDeploy(task, "pass_deploy_info", Map.of()))
        .isInstanceOf(ExclusiveLockRequiredException.class);
  }

  @Test
  void tearDownPowersOff() throws Exception {
    assertThat(deploy.tearDown(task)).isEqualTo(DeployState.DELETED);
    assertThat(task.calls).containsExactly("power.set power off");
  }

  @Test
  void cleanUpRemovesConfigsLinksNodeFilesAndUnusedMasters() throws Exception {
    overrides.put("image_cache_size_mb", 0L);
    overrides.put("image_cache_ttl_minutes", 0L);
    rebuild();
    deployed();
    assertThat(masters()).isNotEmpty();
    deploy.cleanUp(task);
    assertThat(boot.resolve(UUID)).doesNotExist();
    try (var links = Files.list(boot.resolve("pxelinux.cfg"))) {
      assertThat(links).isEmpty();
    }
    assertThat(masters()).isEmpty();
  }

  @Test
  void cleanUpKeepsOtherNodesLinks() throws Exception {
    deployed();
    Files.createDirectories(boot.resolve("other"));
    Files.createSymbolicLink(
        boot.resolve("pxelinux.cfg/01-aa-bb-cc-dd-ee-ff"), Path.of("../other/config"));
    deploy.cleanUp(task);
    assertThat(Files.isSymbolicLink(boot.resolve("pxelinux.cfg/01-aa-bb-cc-dd-ee-ff"))).isTrue();
  }

  List<Path> masters() throws IOException {
    try (var files = Files.list(dir.resolve("master"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void takeOverRewritesTheInstanceConfigOfAnActiveNetbootNode() throws Exception {
    deployed();
    deploy.continueDeploy(task, "pass_deploy_info", callback());
    String switched = read(UUID + "/config");
    Files.delete(boot.resolve(UUID + "/config"));
    task.node = task.node().toBuilder().provisionState(ProvisionState.ACTIVE).build();
    deploy.takeOver(task);
    assertThat(read(UUID + "/config")).isEqualTo(switched);
  }

  @Test
  void takeOverOfANodeWaitingForItsCallbackServesItsDeployFilesAndConfigHere() throws Exception {
    deployed();
    String config = read(UUID + "/config");
    String ipxe = read(UUID + "/config.ipxe");
    // Another conductor's disk: nothing of the node is here.
    deploy.cleanUp(task);
    assertThat(boot.resolve(UUID)).doesNotExist();
    task.calls.clear();

    deploy.takeOver(task);

    assertThat(read(UUID + "/config")).isEqualTo(config);
    assertThat(read(UUID + "/config.ipxe")).isEqualTo(ipxe);
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "kernel", "ramdisk", "disk")) {
      assertThat(boot.resolve(UUID).resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.readString(boot.resolve("pxelinux.cfg/01-52-54-00-12-34-56")))
        .contains("default deploy");
    assertThat(task.calls).as("no power or boot device change").isEmpty();
  }

  @Test
  void theDhcpEntryOfEachMacNamesTheConductorThatPreparedItsBootLast() throws Exception {
    Path hosts = dir.resolve("dhcp/hosts");
    Path opts = dir.resolve("dhcp/opts");
    overrides.put("dhcp_hostsdir", hosts.toString());
    overrides.put("dhcp_optsdir", opts.toString());
    rebuild();
    deployed();
    Path entry = hosts.resolve("52-54-00-12-34-56");
    assertThat(Files.readString(entry))
        .isEqualTo("52:54:00:12:34:56,set:amtpxe-192-168-77-1-8080\n");

    // Another conductor, sharing the folders, takes the node over: the MAC now names it.
    overrides.put("http_url", "http://192.168.77.2:8080");
    rebuild();
    deploy.takeOver(task);
    assertThat(Files.readString(entry))
        .isEqualTo("52:54:00:12:34:56,set:amtpxe-192-168-77-2-8080\n");

    // The first conductor's clean-up leaves the new owner's entry alone; the owner's removes it.
    overrides.put("http_url", "http://192.168.77.1:8080");
    rebuild();
    deploy.cleanUp(task);
    assertThat(entry).exists();
    overrides.put("http_url", "http://192.168.77.2:8080");
    rebuild();
    deploy.cleanUp(task);
    assertThat(entry).doesNotExist();
  }

  @Test
  void aCallbackReachingAConductorWithoutTheNodesFilesLinksTheInstanceFilesThere()
      throws Exception {
    deployed();
    // The owner that prepared the deploy died; the new owner's disk has nothing of the node yet.
    deploy.cleanUp(task);
    task.calls.clear();

    assertThat(deploy.continueDeploy(task, "pass_deploy_info", callback()))
        .isEqualTo(DeployState.DONE);

    assertThat(read(UUID + "/kernel")).isEqualTo("vmlinuz bytes");
    assertThat(read(UUID + "/ramdisk")).isEqualTo("initrd bytes");
    assertThat(Files.readString(boot.resolve("pxelinux.cfg/52-54-00-12-34-56")))
        .contains("instance");
  }

  @Test
  void takeOverLeavesNodesInOtherStatesAlone() throws Exception {
    task.node = task.node().toBuilder().provisionState(ProvisionState.AVAILABLE).build();
    deploy.takeOver(task);
    assertThat(boot.resolve(UUID)).doesNotExist();
    assertThat(task.calls).isEmpty();
  }

  @Test
  void validateNamesEveryMissingParameterAtOnce() {
    task.node = Node.builder(UUID, "pxe_amt").provisionState(ProvisionState.AVAILABLE).build();
    task.ports = List.of();
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class,
            e ->
                assertThat(e.missing())
                    .containsExactly(
                        "driver_info.deploy_kernel",
                        "driver_info.deploy_ramdisk",
                        "instance_info.image_source",
                        "instance_info.image_checksum",
                        "instance_info.kernel",
                        "instance_info.ramdisk",
                        "driver_info.deploy_kernel_checksum",
                        "driver_info.deploy_ramdisk_checksum",
                        "instance_info.kernel_checksum",
                        "instance_info.ramdisk_checksum",
                        "ports (at least one port with pxe_enabled)"));
  }

  @Test
  void validateAcceptsLegacyPxeNamesAndMd5() throws Exception {
    Map<String, Object> di =
        Map.of(
            "pxe_deploy_kernel",
            "http://10.0.0.1/k",
            "deploy_kernel_checksum",
            "md5:" + "b".repeat(32),
            "pxe_deploy_ramdisk",
            "http://10.0.0.1/r",
            "deploy_ramdisk_checksum",
            "c".repeat(64));
    task.node =
        task.node().toBuilder()
            .driverInfo(di)
            .instanceInfo(merged(Map.of("image_checksum", "md5:" + "a".repeat(32))))
            .build();
    deploy.validate(task);
  }

  @Test
  void validateRejectsBadValues() {
    Map<String, Map<String, Object>> bad =
        Map.of(
            "image_checksum", Map.of("image_checksum", "abc"),
            "sha256", Map.of("image_checksum", "sha256:" + "a".repeat(32)),
            "boot_option", Map.of("capabilities", "boot_option:floppy"),
            "boot_mode", Map.of("capabilities", Map.of("boot_mode", "coreboot")),
            "image_source", Map.of("image_source", "glance://1234"),
            "root_device", Map.of("root_device", "../etc/passwd"));
    Node original = task.node();
    bad.forEach(
        (expected, values) -> {
          task.node = original;
          task.node = task.node().toBuilder().instanceInfo(merged(values)).build();
          assertThatThrownBy(() -> deploy.validate(task))
              .as(expected)
              .isInstanceOf(InvalidParameterValueException.class)
              .hasMessageContaining(expected);
        });
  }

  @Test
  void validateNeedsTheApiUrl() {
    overrides.put("api_url", "");
    rebuild();
    assertThatThrownBy(() -> deploy.validate(task))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("api_url");
  }

  @Test
  void rootDeviceOverridesTheDiskList() throws Exception {
    task.node =
        task.node().toBuilder().instanceInfo(merged(Map.of("root_device", "/dev/sdb"))).build();
    deployed();
    assertThat(read(UUID + "/config")).contains(" disk=sdb ");
  }

  Map<String, Object> merged(Map<String, Object> extra) {
    Map<String, Object> m = new HashMap<>(task.node().instanceInfo());
    m.putAll(extra);
    return m;
  }
}
