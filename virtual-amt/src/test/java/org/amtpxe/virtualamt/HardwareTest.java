package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HardwareTest {

  @Test
  void aThousandNodesOfASeriesHaveDistinctMacsSerialsHostNamesAndGuids() {
    NodeSpec template = NodeSpec.builder("template").password("pw").build();
    List<NodeSpec> nodes = NodeSpec.series(1000, "amt-", "127.0.1.1", template);

    Set<String> macs = new HashSet<>();
    Set<String> serials = new HashSet<>();
    Set<String> boards = new HashSet<>();
    Set<String> hosts = new HashSet<>();
    Set<String> guids = new HashSet<>();
    for (NodeSpec n : nodes) {
      Hardware h = n.hardware();
      for (Hardware.Nic nic : h.nics()) {
        macs.add(nic.mac());
      }
      serials.add(h.chassis().serialNumber());
      boards.add(h.baseboard().serialNumber());
      hosts.add(h.hostName());
      guids.add(h.platformGuid());
    }

    assertThat(macs).hasSize(2000);
    assertThat(serials).hasSize(1000);
    assertThat(boards).hasSize(1000);
    assertThat(hosts).hasSize(1000).contains("amt-1", "amt-1000");
    assertThat(guids).hasSize(1000);
  }

  @Test
  void derivedHardwareIsReproducible() {
    assertThat(Hardware.derived("amt-17")).isEqualTo(Hardware.derived("amt-17"));
    assertThat(Hardware.derived("amt-17")).isNotEqualTo(Hardware.derived("amt-18"));
  }

  @Test
  void derivedMacsAreLocallyAdministeredUnicastAndTheSharedOneIsWired() {
    Hardware h = Hardware.derived("amt-17");

    Hardware.Nic shared = h.sharedNic().orElseThrow();
    assertThat(shared.wireless()).isFalse();
    assertThat(shared.mac()).matches("02:[0-9a-f]{2}:[0-9a-f]{2}:00:00:11");
    assertThat(h.nics().get(1).wireless()).isTrue();
  }

  @Test
  void renamingKeepsValuesSetExplicitlyAndRederivesThePerNodeOnes() {
    Hardware custom =
        Hardware.derived("template")
            .withCpus(List.of(new Hardware.Cpu("Intel(R) Core(TM) i5-8500 CPU", 6, 6, 4100, 3000)));

    Hardware renamed = custom.renamed("template", "desk-9");

    assertThat(renamed.cpus()).isEqualTo(custom.cpus());
    assertThat(renamed.hostName()).isEqualTo("desk-9");
    assertThat(renamed.chassis().serialNumber())
        .isEqualTo(Hardware.derived("desk-9").chassis().serialNumber());
    assertThat(renamed.nics()).isEqualTo(Hardware.derived("desk-9").nics());
  }

  @Test
  void renamingKeepsAnExplicitMac() {
    Hardware custom = Hardware.derived("template").withSharedMac("52:54:00:00:00:07");

    assertThat(custom.renamed("template", "x-1").sharedNic().orElseThrow().mac())
        .isEqualTo("52:54:00:00:00:07");
  }

  @Test
  void theSharedMacReplacesTheFirstWiredNicOrIsAdded() {
    Hardware onlyWireless =
        Hardware.derived("n").withNics(List.of(new Hardware.Nic("02:00:00:00:00:09", true)));

    Hardware h = onlyWireless.withSharedMac("52-54-00-AA-BB-CC");

    assertThat(h.nics())
        .containsExactly(
            new Hardware.Nic("52:54:00:aa:bb:cc", false),
            new Hardware.Nic("02:00:00:00:00:09", true));
  }

  @Test
  void hostNamesAreDnsLabelsEvenForOddNodeNames() {
    assertThat(Hardware.derived("lab_7.rack2").hostName()).isEqualTo("lab-7");
    assertThat(Hardware.derived("_x").hostName()).isEqualTo("host-x");
  }

  @Test
  void invalidValuesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new Hardware.Nic("not-a-mac", false))
        .hasMessageContaining("not-a-mac");
    assertThatThrownBy(() -> Hardware.derived("n").withCpus(List.of()))
        .hasMessageContaining("at least one CPU");
    assertThatThrownBy(() -> Hardware.derived("n").withBootMode("efi"))
        .hasMessageContaining("bootMode");
  }

  @Test
  void aNodeSpecWithoutHardwareGetsTheOneDerivedFromItsName() {
    NodeSpec spec = NodeSpec.builder("pc-3").password("pw").build();

    assertThat(spec.hardware()).isEqualTo(Hardware.derived("pc-3"));
    assertThat(spec.toString()).doesNotContain("pw,").contains("hostName=pc-3");
  }
}
