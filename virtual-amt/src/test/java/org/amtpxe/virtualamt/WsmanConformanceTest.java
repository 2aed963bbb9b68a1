package org.amtpxe.virtualamt;

import static org.amtpxe.virtualamt.testing.Wsman.APMS;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_CAPS;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_CONFIG;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_SERVICE;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_SETTINGS;
import static org.amtpxe.virtualamt.testing.Wsman.BOOT_SOURCE;
import static org.amtpxe.virtualamt.testing.Wsman.ENUMERATE;
import static org.amtpxe.virtualamt.testing.Wsman.GET;
import static org.amtpxe.virtualamt.testing.Wsman.PMC;
import static org.amtpxe.virtualamt.testing.Wsman.PMS;
import static org.amtpxe.virtualamt.testing.Wsman.PULL;
import static org.amtpxe.virtualamt.testing.Wsman.PUT;
import static org.amtpxe.virtualamt.testing.Wsman.SATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests in the styles of Ironic (openwsman), Intel's libraries and MeshCommander, and unusual
 * but valid ones; replies checked namespace-aware, plus the host's state and boots.
 */
class WsmanConformanceTest {
  private Emulator emulator;
  private DigestClient client;

  @BeforeEach
  void start() throws Exception {
    emulator = Emulator.start();
    client = emulator.client();
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private Replies ok(Wsman request) throws Exception {
    Reply reply = client.send(request.build());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return Replies.of(reply.body());
  }

  private Replies fault(Wsman request, int status) throws Exception {
    Reply reply = client.send(request.build());
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    return Replies.of(reply.body());
  }

  private static String selectorName(Style style, String resource) {
    return resource.equals(BOOT_CONFIG) ? "InstanceID" : "Name";
  }

  private int powerStateChange(Style style, int state) throws Exception {
    Wsman request =
        Wsman.request(style, PMS + "/RequestPowerStateChange", PMS)
            .body(Wsman.requestPowerStateChange(style, state));
    if (style != Style.INTEL) {
      request.selector("Name", "Intel(r) AMT Power Management Service");
    }
    return Integer.parseInt(
        ok(request).text("/s:Envelope/s:Body/pms:RequestPowerStateChange_OUTPUT/pms:ReturnValue"));
  }

  private int changeBootOrder(Style style, String source) throws Exception {
    Wsman request =
        Wsman.request(style, BOOT_CONFIG + "/ChangeBootOrder", BOOT_CONFIG)
            .body(Wsman.changeBootOrder(style, source));
    if (style != Style.INTEL) {
      request.selector("InstanceID", "Intel(r) AMT: Boot Configuration 0");
    }
    return Integer.parseInt(ok(request).text("//bcs:ChangeBootOrder_OUTPUT/bcs:ReturnValue"));
  }

  private int setBootConfigRole(Style style, int role) throws Exception {
    Wsman request =
        Wsman.request(style, BOOT_SERVICE + "/SetBootConfigRole", BOOT_SERVICE)
            .body(Wsman.setBootConfigRole(style, role));
    if (style != Style.INTEL) {
      request.selector("Name", "Intel(r) AMT Boot Service");
    }
    return Integer.parseInt(ok(request).text("//bsv:SetBootConfigRole_OUTPUT/bsv:ReturnValue"));
  }

  // ---- envelope and header ----

  @ParameterizedTest
  @EnumSource(Style.class)
  void getPowerStateRepliesAsFirmwareWithRelatesToAndResponseAction(Style style) throws Exception {
    Wsman request = Wsman.request(style, GET, APMS);

    Replies r = ok(request);

    assertThat(r.text("/s:Envelope/s:Header/wsa:RelatesTo")).isEqualTo(request.messageId());
    assertThat(r.text("/s:Envelope/s:Header/wsa:Action")).isEqualTo(GET + "Response");
    assertThat(r.text("/s:Envelope/s:Header/wsa:Action/@s:mustUnderstand")).isEqualTo("true");
    assertThat(r.text("/s:Envelope/s:Header/wsa:To")).isEqualTo(Wsman.ANONYMOUS);
    assertThat(r.text("/s:Envelope/s:Header/wsa:MessageID"))
        .matches("uuid:00000000-8086-8086-8086-[0-9A-F]{12}");
    assertThat(r.text("/s:Envelope/s:Header/wsman:ResourceURI")).isEqualTo(APMS);
    assertThat(r.text("//apms:CIM_AssociatedPowerManagementService/apms:PowerState"))
        .isEqualTo("8");
    assertThat(r.texts("//apms:AvailableRequestedPowerStates")).containsExactly("2");
    assertThat(
            r.text(
                "//apms:ServiceProvided/wsa:ReferenceParameters/wsman:SelectorSet/wsman:Selector[@Name='Name']"))
        .isEqualTo("Intel(r) AMT Power Management Service");
    assertThat(r.text("//apms:UserOfService//wsman:Selector[@Name='Name']"))
        .isEqualTo("ManagedSystem");
  }

  @Test
  void intelHeaderOrderWithFullUrlToAndNoSelectorsChangesPower() throws Exception {
    String to = emulator.node().wsmanUri().toString();
    Wsman request =
        Wsman.request(Style.INTEL, PMS + "/RequestPowerStateChange", PMS)
            .to(to)
            .body(Wsman.requestPowerStateChange(Style.INTEL, 2));

    assertThat(request.build())
        .contains("<a:To>" + to + "</a:To>")
        .doesNotContain("<w:SelectorSet>");
    assertThat(ok(request).text("//pms:ReturnValue")).isEqualTo("0");
    assertThat(emulator.node().powerState()).isEqualTo(HostPowerState.ON);
  }

  @Test
  void replyUsesFirmwarePrefixes() throws Exception {
    Reply reply = client.send(Wsman.request(Style.INTEL, GET, APMS).build());
    Element envelope = DocumentHelper.parseText(reply.body()).getRootElement();

    assertThat(envelope.getQualifiedName()).isEqualTo("a:Envelope");
    assertThat(envelope.element("Header").elements())
        .extracting(Element::getQualifiedName)
        .containsExactly("b:To", "b:RelatesTo", "b:Action", "b:MessageID", "c:ResourceURI");
    Element instance = envelope.element("Body").elements().get(0);
    assertThat(instance.getQualifiedName()).isEqualTo("g:CIM_AssociatedPowerManagementService");
    assertThat(instance.elements())
        .extracting(Element::getQualifiedName)
        .allMatch(n -> n.startsWith("g:"));
  }

  @Test
  void replyMessageIdsCount() throws Exception {
    String first = ok(Wsman.request(Style.INTEL, GET, APMS)).text("//wsa:MessageID");
    String second = ok(Wsman.request(Style.INTEL, GET, APMS)).text("//wsa:MessageID");

    assertThat(Long.parseLong(second.substring(second.lastIndexOf('-') + 1), 16))
        .isEqualTo(Long.parseLong(first.substring(first.lastIndexOf('-') + 1), 16) + 1);
  }

  @Test
  void repliesAreChunkedSoapWithAmtServerHeader() throws Exception {
    Reply reply = client.send(Wsman.request(Style.INTEL, GET, APMS).build());

    assertThat(reply.header("Content-Type")).isEqualTo("application/soap+xml; charset=UTF-8");
    assertThat(reply.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(reply.header("Server"))
        .isEqualTo("Intel(R) Active Management Technology 11.8.50.3425");
  }

  @Test
  void unknownHeaderWithoutMustUnderstandIsIgnored() throws Exception {
    ok(
        Wsman.request(Style.INTEL, GET, APMS)
            .extraHeaders(
                "<x:Trace xmlns:x=\"urn:example\">1</x:Trace><w:Locale xml:lang=\"en-US\"/>"));
  }

  // ---- power ----

  @ParameterizedTest
  @EnumSource(Style.class)
  void powerOnTurnsHostOnAndBootsDefaultDevice(Style style) throws Exception {
    assertThat(powerStateChange(style, 2)).isZero();

    assertThat(emulator.node().powerState()).isEqualTo(HostPowerState.ON);
    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device, BootRecord::cause, BootRecord::overrideUsed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(BootDevice.DISK, BootCause.AMT_POWER_ON, false));
    assertThat(ok(Wsman.request(style, GET, APMS)).texts("//apms:AvailableRequestedPowerStates"))
        .containsExactly("10", "8", "5", "11");
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void powerOffWhileOffIsRefusedWithReturnValue2(Style style) throws Exception {
    assertThat(powerStateChange(style, 8)).isEqualTo(2);
    assertThat(emulator.node().powerState()).isEqualTo(HostPowerState.OFF);
  }

  @Test
  void resetAndPowerCycleBootAgainAndPowerOffStops() throws Exception {
    powerStateChange(Style.INTEL, 2);

    assertThat(powerStateChange(Style.INTEL, 10)).isZero();
    assertThat(powerStateChange(Style.INTEL, 5)).isZero();
    assertThat(powerStateChange(Style.INTEL, 8)).isZero();

    assertThat(emulator.node().powerState()).isEqualTo(HostPowerState.OFF);
    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::cause)
        .containsExactly(BootCause.AMT_POWER_ON, BootCause.AMT_RESET, BootCause.AMT_POWER_CYCLE);
  }

  @Test
  void powerStatesFirmwareNeverOffersAreRefused() throws Exception {
    powerStateChange(Style.INTEL, 2);

    assertThat(powerStateChange(Style.INTEL, 6)).isEqualTo(2);
    assertThat(powerStateChange(Style.INTEL, 12)).isEqualTo(2);
    assertThat(powerStateChange(Style.INTEL, 99)).isEqualTo(2);
  }

  @Test
  void requestPowerStateChangeWithTimeoutPeriodReturns4098() throws Exception {
    String body =
        "<p:RequestPowerStateChange_INPUT xmlns:p=\""
            + PMS
            + "\"><p:PowerState>2</p:PowerState>"
            + Wsman.epr(
                Style.INTEL, "p", "ManagedElement", Wsman.COMPUTER_SYSTEM, "Name", "ManagedSystem")
            + "<p:TimeoutPeriod>PT10S</p:TimeoutPeriod></p:RequestPowerStateChange_INPUT>";

    assertThat(
            ok(Wsman.request(Style.INTEL, PMS + "/RequestPowerStateChange", PMS).body(body))
                .text("//pms:ReturnValue"))
        .isEqualTo("4098");
  }

  @Test
  void requestPowerStateChangeWithoutManagedElementReturns5() throws Exception {
    String body =
        "<p:RequestPowerStateChange_INPUT xmlns:p=\""
            + PMS
            + "\"><p:PowerState>2</p:PowerState></p:RequestPowerStateChange_INPUT>";

    assertThat(
            ok(Wsman.request(Style.INTEL, PMS + "/RequestPowerStateChange", PMS).body(body))
                .text("//pms:ReturnValue"))
        .isEqualTo("5");
    assertThat(emulator.node().powerState()).isEqualTo(HostPowerState.OFF);
  }

  @Test
  void getPowerManagementServiceAndCapabilities() throws Exception {
    Replies service =
        ok(
            Wsman.request(Style.OPENWSMAN, GET, PMS)
                .selector("Name", "Intel(r) AMT Power Management Service"));
    Replies caps = ok(Wsman.request(Style.INTEL, GET, PMC));

    assertThat(service.text("//pms:CIM_PowerManagementService/pms:SystemName"))
        .isEqualTo("Intel(r) AMT");
    assertThat(caps.texts("//pmc:PowerStatesSupported")).contains("2", "8", "10");
  }

  // ---- enumeration ----

  @ParameterizedTest
  @EnumSource(Style.class)
  void enumeratePullServiceAvailableToElementYieldsPowerAssociation(Style style) throws Exception {
    String context =
        ok(Wsman.request(style, ENUMERATE, SATE).body(Wsman.enumerate()))
            .text("/s:Envelope/s:Body/wsen:EnumerateResponse/wsen:EnumerationContext");
    assertThat(context).isNotBlank();

    Reply reply =
        client.send(Wsman.request(style, PULL, SATE).body(Wsman.pull(context, 999)).build());
    Replies pull = Replies.of(reply.body());

    assertThat(pull.text("//wsa:Action")).isEqualTo(PULL + "Response");
    assertThat(
            pull.text(
                "//wsen:PullResponse/wsen:Items/apms:CIM_AssociatedPowerManagementService/apms:PowerState"))
        .isEqualTo("8");
    assertThat(pull.count("//wsen:PullResponse/wsen:EndOfSequence")).isEqualTo(1);
    Document doc = DocumentHelper.parseText(reply.body());
    assertThat(doc.getRootElement().getNamespaceForPrefix("h").getURI()).isEqualTo(APMS);
    assertThat(doc.getRootElement().getNamespaceForPrefix("g").getURI())
        .isEqualTo(Wsman.ENUMERATION);
  }

  @Test
  void pullAfterEndOfSequenceIsInvalidEnumerationContext() throws Exception {
    String context =
        ok(Wsman.request(Style.INTEL, ENUMERATE, SATE).body(Wsman.enumerate()))
            .text("//wsen:EnumerationContext");
    ok(Wsman.request(Style.INTEL, PULL, SATE).body(Wsman.pull(context, 999)));

    Replies again =
        fault(Wsman.request(Style.INTEL, PULL, SATE).body(Wsman.pull(context, 999)), 400);

    assertThat(again.faultSubcode())
        .isEqualTo("{" + Wsman.ENUMERATION + "}InvalidEnumerationContext");
  }

  @Test
  void optimizedEnumerateReturnsAllBootSourcesAtOnce() throws Exception {
    Replies r =
        ok(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(Wsman.enumerateOptimized(999)));

    assertThat(
            r.texts(
                "//wsen:EnumerateResponse/wsman:Items/bss:CIM_BootSourceSetting/bss:InstanceID"))
        .containsExactly(Wsman.HDD, Wsman.PXE, Wsman.CD);
    assertThat(r.count("//wsen:EnumerateResponse/wsman:EndOfSequence")).isEqualTo(1);
  }

  @Test
  void optimizedEnumerateWithFewerElementsContinuesWithPull() throws Exception {
    Replies first =
        ok(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(Wsman.enumerateOptimized(1)));
    String context = first.text("//wsen:EnumerationContext");
    Replies second = ok(Wsman.request(Style.INTEL, PULL, BOOT_SOURCE).body(Wsman.pull(context, 1)));
    Replies third = ok(Wsman.request(Style.INTEL, PULL, BOOT_SOURCE).body(Wsman.pull(context, 5)));

    assertThat(first.texts("//bss:InstanceID")).containsExactly(Wsman.HDD);
    assertThat(first.count("//wsman:EndOfSequence")).isZero();
    assertThat(second.texts("//bss:InstanceID")).containsExactly(Wsman.PXE);
    assertThat(second.text("//wsen:PullResponse/wsen:EnumerationContext")).isEqualTo(context);
    assertThat(third.texts("//bss:InstanceID")).containsExactly(Wsman.CD);
    assertThat(third.count("//wsen:EndOfSequence")).isEqualTo(1);
  }

  @Test
  void pullWithoutMaxElementsReturnsOneItem() throws Exception {
    String context =
        ok(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(Wsman.enumerate()))
            .text("//wsen:EnumerationContext");
    String pull =
        "<Pull xmlns=\""
            + Wsman.ENUMERATION
            + "\"><EnumerationContext>"
            + context
            + "</EnumerationContext></Pull>";

    assertThat(
            ok(Wsman.request(Style.INTEL, PULL, BOOT_SOURCE).body(pull))
                .count("//bss:CIM_BootSourceSetting"))
        .isEqualTo(1);
  }

  @Test
  void enumerateEprModeReturnsReferences() throws Exception {
    String body =
        "<n:Enumerate xmlns:n=\""
            + Wsman.ENUMERATION
            + "\" xmlns:w=\""
            + Wsman.WSMAN
            + "\">"
            + "<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode></n:Enumerate>";

    Replies r = ok(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(body));

    assertThat(r.texts("//wsman:Items/wsa:EndpointReference//wsman:Selector[@Name='InstanceID']"))
        .containsExactly(Wsman.HDD, Wsman.PXE, Wsman.CD);
  }

  @Test
  void enumerateObjectAndEprModeReturnsBoth() throws Exception {
    String body =
        "<n:Enumerate xmlns:n=\""
            + Wsman.ENUMERATION
            + "\" xmlns:w=\""
            + Wsman.WSMAN
            + "\">"
            + "<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:EnumerationMode>EnumerateObjectAndEPR</w:EnumerationMode></n:Enumerate>";

    Replies r = ok(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(body));

    assertThat(r.count("//wsman:Items/wsman:Item/bss:CIM_BootSourceSetting")).isEqualTo(3);
    assertThat(r.count("//wsman:Items/wsman:Item/wsa:EndpointReference")).isEqualTo(3);
  }

  @Test
  void filteredEnumerateIsNotSupported() throws Exception {
    String body =
        "<n:Enumerate xmlns:n=\""
            + Wsman.ENUMERATION
            + "\" xmlns:w=\""
            + Wsman.WSMAN
            + "\"><w:Filter>x</w:Filter></n:Enumerate>";

    assertThat(
            fault(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(body), 400)
                .faultSubcode())
        .isEqualTo("{" + Wsman.ENUMERATION + "}FilteringNotSupported");
  }

  @Test
  void releaseEndsAnEnumeration() throws Exception {
    String context =
        ok(Wsman.request(Style.INTEL, ENUMERATE, BOOT_SOURCE).body(Wsman.enumerate()))
            .text("//wsen:EnumerationContext");
    String release =
        "<Release xmlns=\""
            + Wsman.ENUMERATION
            + "\"><EnumerationContext>"
            + context
            + "</EnumerationContext></Release>";

    ok(Wsman.request(Style.INTEL, Wsman.RELEASE, BOOT_SOURCE).body(release));

    assertThat(
            fault(Wsman.request(Style.INTEL, PULL, BOOT_SOURCE).body(Wsman.pull(context, 1)), 400)
                .faultSubcode())
        .endsWith("}InvalidEnumerationContext");
  }

  // ---- boot ----

  @ParameterizedTest
  @EnumSource(Style.class)
  void ironicSequenceBootsPxeOnceThenDisk(Style style) throws Exception {
    assertThat(changeBootOrder(style, Wsman.PXE)).isZero();
    assertThat(setBootConfigRole(style, 1)).isZero();
    assertThat(emulator.node().bootOverride())
        .isEqualTo(
            new VirtualAmtNode.BootOverride(java.util.Optional.of(BootDevice.PXE), true, false));

    powerStateChange(style, 2);
    powerStateChange(style, 10);

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device, BootRecord::overrideUsed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(BootDevice.PXE, true),
            org.assertj.core.groups.Tuple.tuple(BootDevice.DISK, false));
    assertThat(emulator.node().bootOverride().armed()).isFalse();
    assertThat(emulator.node().bootOverride().source()).isEmpty();
  }

  @Test
  void intelSequencePutsClearedSettingsThenArmsAndBootsCdrom() throws Exception {
    Replies settings = ok(Wsman.request(Style.INTEL, GET, BOOT_SETTINGS));
    assertThat(settings.text("//bsd:InstanceID")).isEqualTo("Intel(r) AMT:BootSettingData 0");
    String put =
        "<h:AMT_BootSettingData xmlns:h=\""
            + BOOT_SETTINGS
            + "\"><h:BIOSPause>false</h:BIOSPause>"
            + "<h:BIOSSetup>false</h:BIOSSetup><h:BootMediaIndex>0</h:BootMediaIndex>"
            + "<h:ConfigurationDataReset>false</h:ConfigurationDataReset><h:ElementName>Intel(r) AMT Boot Configuration Settings</h:ElementName>"
            + "<h:EnforceSecureBoot>false</h:EnforceSecureBoot><h:FirmwareVerbosity>0</h:FirmwareVerbosity>"
            + "<h:ForcedProgressEvents>false</h:ForcedProgressEvents><h:IDERBootDevice>0</h:IDERBootDevice>"
            + "<h:InstanceID>Intel(r) AMT:BootSettingData 0</h:InstanceID><h:LockKeyboard>false</h:LockKeyboard>"
            + "<h:LockPowerButton>false</h:LockPowerButton><h:LockResetButton>false</h:LockResetButton>"
            + "<h:LockSleepButton>false</h:LockSleepButton><h:OwningEntity>Intel(r) AMT</h:OwningEntity>"
            + "<h:ReflashBIOS>false</h:ReflashBIOS><h:SecureErase>false</h:SecureErase>"
            + "<h:UefiBootNumberOfParams>0</h:UefiBootNumberOfParams><h:UseIDER>false</h:UseIDER>"
            + "<h:UseSOL>false</h:UseSOL><h:UseSafeMode>false</h:UseSafeMode><h:UserPasswordBypass>false</h:UserPasswordBypass>"
            + "</h:AMT_BootSettingData>";

    Replies putReply = ok(Wsman.request(Style.INTEL, PUT, BOOT_SETTINGS).body(put));
    assertThat(putReply.text("//wsa:Action")).isEqualTo(PUT + "Response");
    assertThat(putReply.text("//bsd:AMT_BootSettingData/bsd:UseSOL")).isEqualTo("false");

    assertThat(setBootConfigRole(Style.INTEL, 1)).isZero();
    assertThat(changeBootOrder(Style.INTEL, Wsman.CD)).isZero();
    powerStateChange(Style.INTEL, 2);

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device)
        .containsExactly(BootDevice.CDROM);
  }

  @Test
  void meshCommanderClearsAStaleSourceBeforeSettingItsOwn() throws Exception {
    changeBootOrder(Style.INTEL, Wsman.CD);

    assertThat(changeBootOrder(Style.INTEL, null)).isZero();
    assertThat(changeBootOrder(Style.INTEL, Wsman.PXE)).isZero();
    setBootConfigRole(Style.INTEL, 1);
    powerStateChange(Style.INTEL, 2);

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device)
        .containsExactly(BootDevice.PXE);
  }

  @Test
  void withoutClearingOnlyTheFirstSourceIsHonoured() throws Exception {
    changeBootOrder(Style.OPENWSMAN, Wsman.CD);
    changeBootOrder(Style.OPENWSMAN, Wsman.PXE);
    setBootConfigRole(Style.OPENWSMAN, 1);
    powerStateChange(Style.OPENWSMAN, 2);

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device)
        .containsExactly(BootDevice.CDROM);
  }

  @Test
  void hostRebootingItselfConsumesTheOverrideLikeAnAmtPowerOn() throws Exception {
    powerStateChange(Style.INTEL, 2);
    changeBootOrder(Style.INTEL, Wsman.PXE);
    setBootConfigRole(Style.INTEL, 1);

    emulator.node().hostReboot();
    emulator.node().hostReboot();

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device, BootRecord::cause)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(BootDevice.DISK, BootCause.AMT_POWER_ON),
            org.assertj.core.groups.Tuple.tuple(BootDevice.PXE, BootCause.HOST_REBOOT),
            org.assertj.core.groups.Tuple.tuple(BootDevice.DISK, BootCause.HOST_REBOOT));
  }

  @Test
  void biosSetupSettingBootsIntoBios() throws Exception {
    String put =
        "<h:AMT_BootSettingData xmlns:h=\""
            + BOOT_SETTINGS
            + "\"><h:BIOSSetup>true</h:BIOSSetup></h:AMT_BootSettingData>";
    ok(Wsman.request(Style.INTEL, PUT, BOOT_SETTINGS).body(put));
    setBootConfigRole(Style.INTEL, 1);
    powerStateChange(Style.INTEL, 2);

    assertThat(emulator.node().bootHistory())
        .extracting(BootRecord::device)
        .containsExactly(BootDevice.BIOS);
    assertThat(ok(Wsman.request(Style.INTEL, GET, BOOT_SETTINGS)).text("//bsd:BIOSSetup"))
        .isEqualTo("false");
  }

  @Test
  void changeBootOrderWithUnknownSourceReturnsInvalidReference() throws Exception {
    assertThat(changeBootOrder(Style.INTEL, "Intel(r) AMT: Force Floppy Boot")).isEqualTo(4);
  }

  @Test
  void setBootConfigRoleWithUnsupportedRoleReturns1() throws Exception {
    assertThat(setBootConfigRole(Style.INTEL, 0)).isEqualTo(1);
  }

  @Test
  void getBootCapabilitiesAndBootSourceBySelector() throws Exception {
    assertThat(ok(Wsman.request(Style.INTEL, GET, BOOT_CAPS)).text("//bcap:ForcePXEBoot"))
        .isEqualTo("true");
    assertThat(
            ok(Wsman.request(Style.OPENWSMAN, GET, BOOT_SOURCE).selector("InstanceID", Wsman.PXE))
                .text("//bss:StructuredBootString"))
        .isEqualTo("CIM:Network:1");
  }

  // ---- faults ----

  @Test
  void unknownResourceIsDestinationUnreachable() throws Exception {
    Wsman request = Wsman.request(Style.INTEL, GET, Wsman.CIM + "CIM_Fan");
    Replies r = fault(request, 400);

    assertThat(r.faultSubcode()).isEqualTo("{" + Wsman.ADDRESSING + "}DestinationUnreachable");
    assertThat(r.text("//s:Fault/s:Code/s:Value")).isEqualTo("a:Sender");
    assertThat(r.text("//wsa:RelatesTo")).isEqualTo(request.messageId());
    assertThat(r.text("//wsa:Action")).isEqualTo(Wsman.ADDRESSING + "/fault");
    assertThat(r.text("//s:Fault/s:Detail/wsman:FaultDetail")).endsWith("/InvalidResourceURI");
  }

  @Test
  void unknownActionIsActionNotSupported() throws Exception {
    assertThat(fault(Wsman.request(Style.INTEL, Wsman.DELETE, APMS), 400).faultSubcode())
        .isEqualTo("{" + Wsman.ADDRESSING + "}ActionNotSupported");
    assertThat(
            fault(Wsman.request(Style.INTEL, PMS + "/Reboot", PMS), 400)
                .text("//s:Detail/wsa:Action"))
        .isEqualTo(PMS + "/Reboot");
    assertThat(fault(Wsman.request(Style.INTEL, PUT, APMS).body("<x/>"), 400).faultSubcode())
        .endsWith("}ActionNotSupported");
  }

  @Test
  void badPutBodyIsInvalidRepresentation() throws Exception {
    String put =
        "<h:AMT_BootSettingData xmlns:h=\""
            + BOOT_SETTINGS
            + "\"><h:UseSol>false</h:UseSol></h:AMT_BootSettingData>";

    Replies r = fault(Wsman.request(Style.INTEL, PUT, BOOT_SETTINGS).body(put), 400);

    assertThat(r.faultSubcode()).isEqualTo("{" + Wsman.TRANSFER + "}InvalidRepresentation");
    assertThat(r.text("//wsman:FaultDetail")).endsWith("/InvalidValues");
    assertThat(r.text("//wsa:Action")).isEqualTo(Wsman.TRANSFER + "/fault");
  }

  @Test
  void unknownMustUnderstandHeaderIsMustUnderstandFault() throws Exception {
    Replies r =
        fault(
            Wsman.request(Style.INTEL, GET, APMS)
                .extraHeaders(
                    "<x:Lock xmlns:x=\"urn:example\" xmlns:s=\""
                        + Wsman.SOAP
                        + "\" s:mustUnderstand=\"true\"/>"),
            400);

    assertThat(r.text("//s:Fault/s:Code/s:Value")).isEqualTo("a:MustUnderstand");
    assertThat(r.text("//s:Header/s:NotUnderstood/@qname")).isEqualTo("x:Lock");
  }

  @Test
  void optionSetWithMustUnderstandIsRefusedAsFirmwareDoes() throws Exception {
    Replies r =
        fault(
            Wsman.request(Style.OPENWSMAN, GET, APMS)
                .extraHeaders(
                    "    <wsman:OptionSet s:mustUnderstand=\"true\"><wsman:Option Name=\"x\">1</wsman:Option></wsman:OptionSet>\n"),
            400);

    assertThat(r.faultSubcode()).isEqualTo("{" + Wsman.WSMAN + "}UnsupportedFeature");
    assertThat(r.text("//wsman:FaultDetail")).endsWith("/OptionSet");
  }

  @Test
  void optionSetWithoutMustUnderstandIsAccepted() throws Exception {
    ok(
        Wsman.request(Style.INTEL, GET, APMS)
            .extraHeaders("<w:OptionSet><w:Option Name=\"x\">1</w:Option></w:OptionSet>"));
  }

  @Test
  void smallMaxEnvelopeSizeIsEncodingLimit() throws Exception {
    Replies r =
        fault(
            Wsman.request(Style.INTEL, GET, APMS)
                .extraHeaders("<w:MaxEnvelopeSize>8192</w:MaxEnvelopeSize>"),
            400);

    assertThat(r.faultSubcode()).isEqualTo("{" + Wsman.WSMAN + "}EncodingLimit");
  }

  @Test
  void missingMessageIdIsMessageInformationHeaderRequired() throws Exception {
    String request =
        Wsman.request(Style.INTEL, GET, APMS)
            .messageId("")
            .build()
            .replace("<a:MessageID></a:MessageID>", "");

    Reply reply = client.send(request);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(Replies.of(reply.body()).faultSubcode())
        .isEqualTo("{" + Wsman.ADDRESSING + "}MessageInformationHeaderRequired");
  }

  @Test
  void malformedXmlIsSchemaValidationErrorWithoutRelatesTo() throws Exception {
    Reply reply = client.send("<Envelope><Header>");
    Replies r = Replies.of(reply.body());

    assertThat(reply.status()).isEqualTo(400);
    assertThat(r.faultSubcode()).isEqualTo("{" + Wsman.WSMAN + "}SchemaValidationError");
    assertThat(r.count("//wsa:RelatesTo")).isZero();
  }

  @Test
  void soap11EnvelopeIsVersionMismatch() throws Exception {
    Reply reply =
        client.send(
            "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body/></e:Envelope>");

    assertThat(Replies.of(reply.body()).text("//s:Fault/s:Code/s:Value"))
        .isEqualTo("a:VersionMismatch");
  }

  @Test
  void doctypeIsRefused() throws Exception {
    Reply reply =
        client.send(
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body()).doesNotContain("root:");
  }

  @Test
  void selectorsAreCheckedAgainstTheInstance() throws Exception {
    assertThat(
            fault(Wsman.request(Style.OPENWSMAN, GET, PMS).selector("Name", "Other Service"), 400)
                .faultSubcode())
        .endsWith("}DestinationUnreachable");
    assertThat(
            fault(Wsman.request(Style.OPENWSMAN, GET, PMS).selector("Colour", "red"), 400)
                .text("//wsman:FaultDetail"))
        .endsWith("/UnexpectedSelectors");
    assertThat(fault(Wsman.request(Style.INTEL, GET, BOOT_SOURCE), 400).text("//wsman:FaultDetail"))
        .endsWith("/InsufficientSelectors");
  }

  @Test
  void methodWithWrongInputElementIsInvalidParameter() throws Exception {
    Replies r =
        fault(
            Wsman.request(Style.INTEL, PMS + "/RequestPowerStateChange", PMS)
                .body("<p:ChangeBootOrder_INPUT xmlns:p=\"" + PMS + "\"/>"),
            400);

    assertThat(r.faultSubcode()).isEqualTo("{" + Wsman.WSMAN + "}InvalidParameter");
  }

  @Test
  void faultStatusFollowsTheSwitch() throws Exception {
    emulator.node().setSwitches(Switches.builder().faultHttpStatus(500).build());

    fault(Wsman.request(Style.INTEL, GET, Wsman.CIM + "CIM_Fan"), 500);
  }

  @Test
  void requestLogRecordsOperationsAndOutcomes() throws Exception {
    client.send(Wsman.request(Style.INTEL, GET, APMS).build());
    powerStateChange(Style.INTEL, 8);
    client.send(Wsman.request(Style.INTEL, GET, Wsman.CIM + "CIM_Fan").build());

    List<RequestRecord> log = emulator.node().requestLog();
    assertThat(log)
        .extracting(
            RequestRecord::action,
            RequestRecord::resource,
            RequestRecord::httpStatus,
            RequestRecord::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("-", "-", 401, "unauthorized"),
            org.assertj.core.groups.Tuple.tuple(
                "Get", "CIM_AssociatedPowerManagementService", 200, "ok"),
            org.assertj.core.groups.Tuple.tuple(
                "RequestPowerStateChange", "CIM_PowerManagementService", 200, "ReturnValue=2"),
            org.assertj.core.groups.Tuple.tuple(
                "Get", "CIM_Fan", 400, "fault:DestinationUnreachable"));
  }
}
