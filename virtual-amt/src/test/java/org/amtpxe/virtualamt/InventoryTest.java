package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.DigestClient.Reply;
import org.amtpxe.virtualamt.testing.Emulator;
import org.amtpxe.virtualamt.testing.Replies;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.dom4j.Document;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inventory classes over real HTTP and Digest: Enumerate, then Pull until EndOfSequence, as the
 * driver's inspection does.
 */
class InventoryTest {
  private static final String CIM = Wsman.CIM;
  private static final String AMT = Wsman.AMT;
  private static final String MAC = "00:1b:21:aa:bb:cc";

  private Emulator emulator;
  private DigestClient client;

  /** A desktop with two processor packages, two disks, two memory modules and two NICs. */
  private static Hardware hardware() {
    Hardware base = Hardware.derived("node-1");
    return base.withCpus(
            List.of(
                new Hardware.Cpu("Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", 8, 16, 5000, 3400),
                new Hardware.Cpu("Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", 8, 16, 5000, 3400)))
        .withDisks(
            List.of(
                new Hardware.Disk("disk A", "S1", 500_107_862_016L),
                new Hardware.Disk("disk B", "S2", 2_000_398_934_016L)))
        .withSharedMac(MAC);
  }

  @BeforeEach
  void start() throws Exception {
    emulator = Emulator.start(b -> b.hardware(hardware()));
    client = emulator.client();
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  /** One enumerated instance: its element's namespace and its properties' text values. */
  private record Item(String namespace, String name, Map<String, List<String>> values) {
    String get(String property) {
      List<String> v = values.get(property);
      return v == null ? null : v.get(0);
    }
  }

  /** Enumerates, then pulls {@code maxElements} at a time; returns the items and the rounds. */
  private record Enumeration(List<Item> items, int pulls) {}

  private Enumeration enumerateAll(String uri, int maxElements) throws Exception {
    Replies enumerate =
        ok(Wsman.request(Style.INTEL, Wsman.ENUMERATE, uri).body(Wsman.enumerate()));
    String context = enumerate.text("//wsen:EnumerateResponse/wsen:EnumerationContext");
    List<Item> items = new ArrayList<>();
    int pulls = 0;
    while (true) {
      Reply reply =
          client.send(
              Wsman.request(Style.INTEL, Wsman.PULL, uri)
                  .body(Wsman.pull(context, maxElements))
                  .build());
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      pulls++;
      Element response =
          DocumentHelper.parseText(reply.body())
              .getRootElement()
              .element("Body")
              .element("PullResponse");
      for (Element e : response.element("Items").elements()) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Element p : e.elements()) {
          assertThat(p.getNamespaceURI()).isEqualTo(e.getNamespaceURI());
          values.computeIfAbsent(p.getName(), k -> new ArrayList<>()).add(p.getStringValue());
        }
        items.add(new Item(e.getNamespaceURI(), e.getName(), values));
      }
      if (response.element("EndOfSequence") != null) {
        assertThat(response.element("EnumerationContext")).isNull();
        return new Enumeration(items, pulls);
      }
      assertThat(pulls).as("pulls before EndOfSequence").isLessThan(50);
      context = response.elementText("EnumerationContext");
    }
  }

  private Replies ok(Wsman request) throws Exception {
    Reply reply = client.send(request.build());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return Replies.of(reply.body());
  }

  @ParameterizedTest
  @CsvSource({
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystemPackage,"
        + " CIM_ComputerSystemPackage, 1",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Chassis, CIM_Chassis, 1",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Card, CIM_Card, 1",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_PhysicalPackage, CIM_Card, 1",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_BIOSElement, CIM_BIOSElement, 1",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Processor, CIM_Processor, 2",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Chip, CIM_Chip, 2",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_PhysicalMemory, CIM_PhysicalMemory, 2",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_MediaAccessDevice,"
        + " CIM_MediaAccessDevice, 2",
    "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_EthernetPortSettings,"
        + " AMT_EthernetPortSettings, 2",
    "http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings, AMT_GeneralSettings, 1",
    "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity,"
        + " CIM_SoftwareIdentity, 11",
  })
  void eachInventoryClassEnumeratesItsInstancesInTheirOwnNamespace(
      String uri, String element, int count) throws Exception {
    Enumeration e = enumerateAll(uri, 20);

    assertThat(e.items()).hasSize(count);
    assertThat(e.pulls()).isEqualTo(1);
    String elementUri = uri.substring(0, uri.lastIndexOf('/') + 1) + element;
    assertThat(e.items())
        .allSatisfy(
            i -> {
              assertThat(i.name()).isEqualTo(element);
              assertThat(i.namespace()).isEqualTo(elementUri);
            });
  }

  @Test
  void chassisBaseboardAndBiosCarryTheNodesVendorModelAndSerials() throws Exception {
    Hardware h = hardware();

    Item chassis = enumerateAll(CIM + "CIM_Chassis", 5).items().get(0);
    Item card = enumerateAll(CIM + "CIM_Card", 5).items().get(0);
    Item bios = enumerateAll(CIM + "CIM_BIOSElement", 5).items().get(0);

    assertThat(chassis.get("Manufacturer")).isEqualTo(h.chassis().manufacturer());
    assertThat(chassis.get("Model")).isEqualTo(h.chassis().model());
    assertThat(chassis.get("SerialNumber")).isEqualTo(h.chassis().serialNumber()).isNotBlank();
    assertThat(chassis.get("Tag")).isEqualTo("CIM_Chassis");
    assertThat(card.get("SerialNumber")).isEqualTo(h.baseboard().serialNumber());
    assertThat(card.get("ElementName")).isEqualTo("Managed System Base Board");
    assertThat(bios.get("Manufacturer")).isEqualTo(h.bios().vendor());
    assertThat(bios.get("Version")).isEqualTo(h.bios().version());
    assertThat(bios.get("ReleaseDate")).isEqualTo(h.bios().releaseDate() + "T00:00:00Z");
  }

  @Test
  void biosReleaseDateIsACimDatetime() throws Exception {
    Reply reply =
        client.send(Wsman.request(Style.INTEL, Wsman.GET, CIM + "CIM_BIOSElement").build());
    Document doc = DocumentHelper.parseText(reply.body());
    Element release =
        doc.getRootElement().element("Body").element("CIM_BIOSElement").element("ReleaseDate");

    Element datetime = release.element("Datetime");
    assertThat(datetime.getNamespaceURI()).isEqualTo("http://schemas.dmtf.org/wbem/wscim/1/common");
    assertThat(LocalDate.parse(datetime.getText().substring(0, 10)))
        .isEqualTo(hardware().bios().releaseDate());
  }

  @Test
  void processorsAndChipsComeOnePerPackageWithSpeedAndModel() throws Exception {
    List<Item> processors = enumerateAll(CIM + "CIM_Processor", 5).items();
    List<Item> chips = enumerateAll(CIM + "CIM_Chip", 5).items();

    assertThat(processors).extracting(i -> i.get("DeviceID")).containsExactly("CPU 0", "CPU 1");
    assertThat(processors).extracting(i -> i.get("MaxClockSpeed")).containsOnly("5000");
    assertThat(processors).extracting(i -> i.get("CurrentClockSpeed")).containsOnly("3400");
    assertThat(processors).extracting(i -> i.get("Family")).containsOnly("179");
    assertThat(chips).extracting(i -> i.get("Tag")).containsExactly("CPU 0", "CPU 1");
    assertThat(chips)
        .extracting(i -> i.get("Version"))
        .containsOnly("Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz");
  }

  @Test
  void memoryCapacityIsInBytesAndDiskSizeInKilobytes() throws Exception {
    List<Item> memory = enumerateAll(CIM + "CIM_PhysicalMemory", 5).items();
    List<Item> disks = enumerateAll(CIM + "CIM_MediaAccessDevice", 5).items();

    assertThat(memory).extracting(i -> i.get("Capacity")).containsOnly("8589934592");
    assertThat(memory).extracting(i -> i.get("BankLabel")).containsExactly("BANK 0", "BANK 2");
    assertThat(memory)
        .extracting(i -> i.get("Tag"))
        .containsExactly("9876543210", "9876543210 (#1)");
    assertThat(disks)
        .extracting(i -> i.get("DeviceID"))
        .containsExactly("MEDIA DEV 0", "MEDIA DEV 1");
    assertThat(disks)
        .extracting(i -> i.get("MaxMediaSize"))
        .containsExactly("500107862", "2000398934");
  }

  @Test
  void ethernetPortsGiveTheSharedMacHyphenatedAndMarkTheWirelessOne() throws Exception {
    List<Item> ports = enumerateAll(AMT + "AMT_EthernetPortSettings", 5).items();

    Item wired = ports.get(0);
    Item wireless = ports.get(1);
    assertThat(wired.get("MACAddress")).isEqualTo("00-1b-21-aa-bb-cc");
    assertThat(wired.get("PhysicalConnectionType")).isEqualTo("0");
    assertThat(wired.get("LinkIsUp")).isEqualTo("true");
    assertThat(wired.values().get("LinkPolicy")).containsExactly("1", "14");
    assertThat(wired.get("IPAddress")).isEqualTo("127.0.0.1");
    assertThat(wired.values()).doesNotContainKey("WLANLinkProtectionLevel");
    assertThat(wireless.get("WLANLinkProtectionLevel")).isEqualTo("1");
    assertThat(wireless.get("PhysicalConnectionType")).isEqualTo("3");
    assertThat(wireless.get("MACAddress"))
        .isEqualTo(hardware().nics().get(1).mac().replace(':', '-'));
    assertThat(ports)
        .extracting(i -> i.get("InstanceID"))
        .containsExactly(
            "Intel(r) AMT Ethernet Port Settings 0", "Intel(r) AMT Ethernet Port Settings 1");
  }

  @Test
  void generalSettingsGetGivesHostNameDomainAndRealm() throws Exception {
    Reply reply =
        client.send(Wsman.request(Style.INTEL, Wsman.GET, AMT + "AMT_GeneralSettings").build());
    assertThat(reply.status()).isEqualTo(200);
    Element settings =
        DocumentHelper.parseText(reply.body())
            .getRootElement()
            .element("Body")
            .element("AMT_GeneralSettings");

    assertThat(settings.elementText("HostName")).isEqualTo("node-1");
    assertThat(settings.elementText("DomainName")).isEqualTo("vamt.test");
    assertThat(settings.elementText("HostOSFQDN")).isEqualTo("node-1.vamt.test");
    assertThat(settings.elementText("DigestRealm")).isEqualTo(emulator.node().spec().realm());
  }

  @Test
  void computerSystemPackageLinksTheChassisAndGivesThePlatformGuid() throws Exception {
    Item item = enumerateAll(CIM + "CIM_ComputerSystemPackage", 5).items().get(0);

    assertThat(item.get("PlatformGUID")).isEqualTo(hardware().platformGuid()).hasSize(32);
    assertThat(item.get("Antecedent")).contains(CIM + "CIM_Chassis");
    assertThat(item.get("Dependent")).contains("ManagedSystem");
  }

  @Test
  void softwareIdentityNeedsSeveralPullsWithASmallMaxElements() throws Exception {
    Enumeration e = enumerateAll(CIM + "CIM_SoftwareIdentity", 3);

    assertThat(e.pulls()).isEqualTo(4);
    assertThat(e.items())
        .extracting(i -> i.get("InstanceID"))
        .containsExactly(
            "Flash",
            "Netstack",
            "AMTApps",
            "AMT",
            "Sku",
            "VendorID",
            "Build Number",
            "Recovery Version",
            "Recovery Build Num",
            "Legacy Mode",
            "AMT FW Core Version");
    Map<String, String> versions = new LinkedHashMap<>();
    e.items().forEach(i -> versions.put(i.get("InstanceID"), i.get("VersionString")));
    assertThat(versions).containsEntry("AMT", "11.8.50").containsEntry("Build Number", "3425");
  }

  @Test
  void memoryPulledOneAtATimeTakesTwoRounds() throws Exception {
    Enumeration e = enumerateAll(CIM + "CIM_PhysicalMemory", 1);

    assertThat(e.pulls()).isEqualTo(2);
    assertThat(e.items()).hasSize(2);
  }

  @Test
  void aClassTheFirmwareLacksAnswersDestinationUnreachableWithInvalidResourceUri()
      throws Exception {
    emulator
        .node()
        .setSwitches(
            emulator.node().switches().toBuilder()
                .unsupportedClasses(Set.of("CIM_Chip", "CIM_PhysicalMemory"))
                .build());

    Reply reply =
        client.send(
            Wsman.request(Style.INTEL, Wsman.ENUMERATE, CIM + "CIM_Chip")
                .body(Wsman.enumerate())
                .build());

    assertThat(reply.status()).isEqualTo(400);
    Replies fault = Replies.of(reply.body());
    assertThat(fault.faultSubcode()).isEqualTo("{" + Wsman.ADDRESSING + "}DestinationUnreachable");
    assertThat(fault.text("//s:Fault/s:Detail"))
        .contains("http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI");
    assertThat(enumerateAll(CIM + "CIM_Processor", 5).items()).hasSize(2);
  }

  @Test
  void omittedPropertiesAreLeftOutOfOnlyTheClassesNamed() throws Exception {
    emulator
        .node()
        .setSwitches(
            emulator.node().switches().toBuilder()
                .omittedProperties(Set.of("CIM_Chassis.SerialNumber", "PartNumber"))
                .build());

    Item chassis = enumerateAll(CIM + "CIM_Chassis", 5).items().get(0);
    Item card = enumerateAll(CIM + "CIM_Card", 5).items().get(0);
    List<Item> memory = enumerateAll(CIM + "CIM_PhysicalMemory", 5).items();

    assertThat(chassis.values()).doesNotContainKey("SerialNumber").containsKey("Model");
    assertThat(card.values()).containsKey("SerialNumber");
    assertThat(memory).allSatisfy(m -> assertThat(m.values()).doesNotContainKey("PartNumber"));
  }

  @Test
  void hardwareWithoutASerialNumberServesNone() throws Exception {
    Hardware h = emulator.node().hardware();
    emulator
        .node()
        .setHardware(
            new Hardware(
                h.cpus(),
                h.memory(),
                h.disks(),
                h.nics(),
                new Hardware.Board("Acme", "Box", null, "1"),
                h.baseboard(),
                h.bios(),
                "pc-42",
                h.domainName(),
                h.platformGuid(),
                h.bootMode()));

    Item chassis = enumerateAll(CIM + "CIM_Chassis", 5).items().get(0);
    Item general = enumerateAll(AMT + "AMT_GeneralSettings", 5).items().get(0);

    assertThat(chassis.values()).doesNotContainKey("SerialNumber");
    assertThat(chassis.get("Manufacturer")).isEqualTo("Acme");
    assertThat(general.get("HostName")).isEqualTo("pc-42");
  }
}
