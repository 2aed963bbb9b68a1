package org.amtpxe.virtualamt.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.NodeSpec;
import org.junit.jupiter.api.Test;

class HardwareJsonTest {
  private static LaunchConfig parse(String json) throws Exception {
    return ConfigFile.parse(new ObjectMapper().readTree(json), Path.of("/etc/vamt"), Map.of());
  }

  @Test
  void defaultsSeriesAndNodesSetHardwareAndSeriesNodesStayDistinct() throws Exception {
    LaunchConfig c =
        parse(
            """
            {
              "defaults": {"password": "pw",
                           "hardware": {"chassis": {"manufacturer": "Dell Inc.", "model": "OptiPlex 7090"},
                                        "domainName": "lab.example"}},
              "series": [{"count": 2, "namePrefix": "desk-", "baseAddress": "127.0.5.1",
                          "hardware": {"memory": [{"bankLabel": "DIMM1", "sizeMb": 16384, "speedMhz": 3200}]}}],
              "nodes": [{"hardware": {"hostName": "odd-box",
                                      "cpus": [{"model": "Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz", "cores": 6,
                                                "threads": 12, "speedMhz": 3100, "maxSpeedMhz": 4500}],
                                      "disks": [{"model": "SSD", "serialNumber": "X1", "sizeBytes": 256060514304}],
                                      "nics": [{"mac": "00:1B:21:AA:BB:CC"}, {"mac": "00:1b:21:aa:bb:cd", "wireless": true}],
                                      "bios": {"releaseDate": "2021-02-03"}, "bootMode": "uefi"},
                         "name": "odd", "address": "127.0.9.9"}]
            }
            """);

    Hardware d1 = c.nodes().get(0).hardware();
    Hardware d2 = c.nodes().get(1).hardware();
    assertThat(d1.chassis().manufacturer()).isEqualTo("Dell Inc.");
    assertThat(d1.chassis().model()).isEqualTo("OptiPlex 7090");
    assertThat(d1.domainName()).isEqualTo("lab.example");
    assertThat(d1.memoryBytes()).isEqualTo(16L << 30);
    assertThat(d1.chassis().serialNumber()).isNotEqualTo(d2.chassis().serialNumber());
    assertThat(d1.sharedNic()).isNotEqualTo(d2.sharedNic());
    assertThat(d1.hostName()).isEqualTo("desk-1");
    assertThat(d2.hostName()).isEqualTo("desk-2");
    assertThat(d1).isEqualTo(c.nodes().get(0).toBuilder().build().hardware());

    NodeSpec odd = c.nodes().get(2);
    Hardware h = odd.hardware();
    assertThat(h.hostName()).isEqualTo("odd-box");
    assertThat(h.cpus().get(0).cores()).isEqualTo(6);
    assertThat(h.disks().get(0).sizeBytes()).isEqualTo(256_060_514_304L);
    assertThat(h.sharedNic().orElseThrow().mac()).isEqualTo("00:1b:21:aa:bb:cc");
    assertThat(h.nics().get(1).wireless()).isTrue();
    assertThat(h.bios().releaseDate()).isEqualTo(LocalDate.of(2021, 2, 3));
    assertThat(h.bios().vendor()).isEqualTo(Hardware.derived("odd").bios().vendor());
    assertThat(h.bootMode()).isEqualTo("uefi");
    assertThat(h.chassis().manufacturer()).isEqualTo("Dell Inc.");
    assertThat(h.chassis().serialNumber())
        .isEqualTo(Hardware.derived("odd").chassis().serialNumber());
  }

  @Test
  void aNullSerialNumberLeavesItOut() {
    Hardware h =
        HardwareJson.apply(
            Hardware.derived("n"),
            new ObjectMapper()
                .createObjectNode()
                .set("baseboard", node("{\"serialNumber\": null}")),
            "hardware");

    assertThat(h.baseboard().serialNumber()).isNull();
  }

  @Test
  void unknownKeysAndBadValuesNameTheirPlace() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"nodes\": [{\"name\": \"a\", \"password\": \"p\", \"hardware\": {\"gpu\": 1}}]}"))
        .hasMessageContaining("nodes[0].hardware.gpu");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"nodes\": [{\"name\": \"a\", \"password\": \"p\","
                        + " \"hardware\": {\"memory\": [{\"bankLabel\": \"B\"}]}}]}"))
        .hasMessageContaining("nodes[0].hardware.memory[0]")
        .hasMessageContaining("sizeBytes or sizeMb");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"nodes\": [{\"name\": \"a\", \"password\": \"p\","
                        + " \"hardware\": {\"nics\": [{\"mac\": \"zz\"}]}}]}"))
        .hasMessageContaining("nodes[0].hardware")
        .hasMessageContaining("zz");
  }

  @Test
  void toJsonReadsBackToTheSameHardware() {
    Hardware h = Hardware.derived("amt-5");

    assertThat(HardwareJson.apply(Hardware.derived("other"), HardwareJson.toJson(h), "h"))
        .isEqualTo(h);
  }

  @Test
  void switchesReadUnsupportedClassesAndOmittedProperties() {
    var s =
        SwitchesJson.apply(
            org.amtpxe.virtualamt.Switches.defaults(),
            node(
                "{\"unsupportedClasses\": [\"CIM_Chip\"],"
                    + " \"omittedProperties\": [\"CIM_Chassis.SerialNumber\", \"PartNumber\"]}"));

    assertThat(s.unsupportedClasses()).isEqualTo(Set.of("CIM_Chip"));
    assertThat(s.omits("CIM_Chassis", "SerialNumber")).isTrue();
    assertThat(s.omits("CIM_Card", "SerialNumber")).isFalse();
    assertThat(s.omits("CIM_PhysicalMemory", "PartNumber")).isTrue();
    assertThat(
            SwitchesJson.apply(
                    org.amtpxe.virtualamt.Switches.defaults(),
                    node("{\"unsupportedClasses\": \"CIM_Chip, CIM_Card\"}"))
                .unsupportedClasses())
        .containsExactlyInAnyOrder("CIM_Chip", "CIM_Card");
    assertThat(SwitchesJson.toJson(s).path("unsupportedClasses").get(0).asText())
        .isEqualTo("CIM_Chip");
    assertThatThrownBy(
            () ->
                SwitchesJson.apply(
                    org.amtpxe.virtualamt.Switches.defaults(), node("{\"unsupportedClasses\": 5}")))
        .hasMessageContaining("unsupportedClasses must be a list");
  }

  private static com.fasterxml.jackson.databind.JsonNode node(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
