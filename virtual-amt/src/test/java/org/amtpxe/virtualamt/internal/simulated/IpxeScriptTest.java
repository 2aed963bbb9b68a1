package org.amtpxe.virtualamt.internal.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpxeScriptTest {
  static final String BASE = "http://192.168.77.1:8080/";
  static final String BOOT_IPXE =
      """
      #!ipxe

      # Written by the amtpxe PXE deploy.
      chain --autofree pxelinux.cfg/${mac:hexhyp} || goto no_config

      :no_config
      echo No boot configuration for ${mac:hexhyp}: not deployed or netbooted from here.
      echo Leaving iPXE so that the firmware boots the next device.
      exit
      """;

  final Map<String, String> files = new HashMap<>();
  final List<String> downloads = new ArrayList<>();
  final Map<String, String> settings =
      Map.of("mac", "52:54:00:12:34:56", "mac:hexhyp", "52-54-00-12-34-56", "ip", "10.0.0.5");

  final IpxeScript.Fetcher fetcher =
      new IpxeScript.Fetcher() {
        @Override
        public byte[] fetch(URI uri) throws IOException {
          String text = files.get(uri.toString());
          if (text == null) {
            throw new IOException("HTTP 404");
          }
          return text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public long download(URI uri) throws IOException {
          downloads.add(uri.toString());
          return fetch(uri).length;
        }
      };

  static String nodeScript(String label) {
    return """
        #!ipxe

        goto %s

        :deploy
        kernel http://192.168.77.1:8080/n1/deploy_kernel deployment_id=n1 deployment_key=KEY BOOTIF=${mac} || goto boot_error
        initrd --name deploy_ramdisk http://192.168.77.1:8080/n1/deploy_ramdisk || goto boot_error
        boot || goto boot_error

        :instance
        kernel http://192.168.77.1:8080/n1/kernel root=/dev/vda ro console=ttyS0 || goto boot_error
        initrd --name ramdisk http://192.168.77.1:8080/n1/ramdisk || goto boot_error
        boot || goto boot_error

        :boot_error
        echo Booting ${mac} failed; retrying in 10 seconds.
        sleep 10
        reboot
        """
        .formatted(label);
  }

  IpxeScript.Outcome run() {
    return IpxeScript.run(URI.create(BASE + "boot.ipxe"), settings, fetcher);
  }

  void serveImages() {
    for (String f : List.of("deploy_kernel", "deploy_ramdisk", "kernel", "ramdisk")) {
      files.put(BASE + "n1/" + f, "image " + f);
    }
  }

  @Test
  void followsTheChainToTheDeployLabelAndLoadsItsKernelAndInitrd() {
    files.put(BASE + "boot.ipxe", BOOT_IPXE);
    files.put(BASE + "pxelinux.cfg/52-54-00-12-34-56", nodeScript("deploy"));
    serveImages();

    IpxeScript.Outcome outcome = run();

    assertThat(outcome).isInstanceOf(IpxeScript.Boot.class);
    IpxeScript.Boot boot = (IpxeScript.Boot) outcome;
    assertThat(boot.label()).isEqualTo("deploy");
    assertThat(boot.kernel()).hasToString(BASE + "n1/deploy_kernel");
    assertThat(boot.initrds())
        .extracting(URI::toString)
        .containsExactly(BASE + "n1/deploy_ramdisk");
    assertThat(boot.cmdline())
        .isEqualTo("deployment_id=n1 deployment_key=KEY BOOTIF=52:54:00:12:34:56");
    assertThat(boot.scripts())
        .extracting(URI::toString)
        .containsExactly(BASE + "boot.ipxe", BASE + "pxelinux.cfg/52-54-00-12-34-56");
    assertThat(downloads).containsExactly(BASE + "n1/deploy_kernel", BASE + "n1/deploy_ramdisk");
  }

  @Test
  void theInstanceLabelBootsTheInstanceKernel() {
    files.put(BASE + "boot.ipxe", BOOT_IPXE);
    files.put(BASE + "pxelinux.cfg/52-54-00-12-34-56", nodeScript("instance"));
    serveImages();

    IpxeScript.Boot boot = (IpxeScript.Boot) run();

    assertThat(boot.label()).isEqualTo("instance");
    assertThat(boot.kernel()).hasToString(BASE + "n1/kernel");
    assertThat(boot.cmdline()).isEqualTo("root=/dev/vda ro console=ttyS0");
  }

  @Test
  void noScriptForTheMacLeavesIpxeWithTheScriptsMessage() {
    files.put(BASE + "boot.ipxe", BOOT_IPXE);

    IpxeScript.Outcome outcome = run();

    assertThat(outcome).isInstanceOf(IpxeScript.Exit.class);
    assertThat(((IpxeScript.Exit) outcome).message())
        .contains("No boot configuration for 52-54-00-12-34-56");
  }

  @Test
  void aMissingKernelRunsTheErrorLabelWhichAsksForAReboot() {
    files.put(BASE + "boot.ipxe", BOOT_IPXE);
    files.put(BASE + "pxelinux.cfg/52-54-00-12-34-56", nodeScript("deploy"));

    IpxeScript.Outcome outcome = run();

    assertThat(outcome).isInstanceOf(IpxeScript.Failure.class);
    assertThat(((IpxeScript.Failure) outcome).message())
        .contains("reboot")
        .contains("Booting 52:54:00:12:34:56 failed");
  }

  @Test
  void aFailingCommandWithoutFallbackStopsTheScript() {
    files.put(BASE + "boot.ipxe", "#!ipxe\nkernel http://192.168.77.1:8080/none\nboot\n");

    IpxeScript.Outcome outcome = run();

    assertThat(outcome).isInstanceOf(IpxeScript.Failure.class);
    assertThat(((IpxeScript.Failure) outcome).message()).contains("kernel").contains("404");
  }

  @Test
  void unknownCommandsAndNonScriptsAreRefusedByName() {
    files.put(BASE + "boot.ipxe", "#!ipxe\nisset ${foo} || goto x\n");
    assertThat(((IpxeScript.Failure) run()).message()).contains("unsupported iPXE command 'isset'");

    files.put(BASE + "boot.ipxe", "DEFAULT menu\n");
    assertThat(((IpxeScript.Failure) run()).message()).contains("is not an iPXE script");
  }

  @Test
  void anEndlessLoopEnds() {
    files.put(BASE + "boot.ipxe", "#!ipxe\n:top\ngoto top\n");

    assertThat(((IpxeScript.Failure) run()).message()).contains("loop");
  }

  @Test
  void setAndUnknownSettingsExpandLikeIpxe() {
    files.put(
        BASE + "boot.ipxe",
        "#!ipxe\nset extra quiet\nkernel k ip=${ip} ${extra} x=${unknown}\nboot\n");
    files.put(BASE + "k", "kernel");

    IpxeScript.Boot boot = (IpxeScript.Boot) run();

    assertThat(boot.kernel()).hasToString(BASE + "k");
    assertThat(boot.cmdline()).isEqualTo("ip=10.0.0.5 quiet x=");
  }
}
