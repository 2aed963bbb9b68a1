package org.amtpxe.virtualamt.internal.firmware;

import static org.amtpxe.virtualamt.internal.firmware.BootControlTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.dom4j.DocumentHelper;
import org.junit.jupiter.api.Test;

class BootSettingsTest {
  private final BootSettings settings = new BootSettings();

  @Test
  void snapshotListsPropertiesInFirmwareOrder() {
    List<String> names = List.copyOf(settings.snapshot().keySet());

    assertThat(names).startsWith("BIOSLastStatus", "BIOSPause", "BIOSSetup", "BootMediaIndex");
    assertThat(names.indexOf("RSEPassword")).isLessThan(names.indexOf("ReflashBIOS"));
    assertThat(names.indexOf("UEFILocalPBABootEnabled"))
        .isLessThan(names.indexOf("UefiBootNumberOfParams"));
    assertThat(names.indexOf("UefiBootNumberOfParams")).isLessThan(names.indexOf("UseIDER"));
    assertThat(settings.snapshot().get("BIOSLastStatus")).containsExactly("2", "0");
    assertThat(settings.snapshot().get("InstanceID")).containsExactly(BootSettings.INSTANCE_ID);
  }

  @Test
  void putWritesWritableAndIgnoresReadOnlyProperties() throws Exception {
    settings.put(
        settings(
            "<b:BIOSLastStatus>9</b:BIOSLastStatus><b:BIOSPause>false</b:BIOSPause>"
                + "<b:ElementName>renamed</b:ElementName><b:InstanceID>Intel(r) AMT:BootSettingData 0</b:InstanceID>"
                + "<b:UseSOL>true</b:UseSOL>"));

    assertThat(settings.snapshot().get("UseSOL")).containsExactly("true");
    assertThat(settings.snapshot().get("BIOSLastStatus")).containsExactly("2", "0");
    assertThat(settings.snapshot().get("ElementName"))
        .containsExactly("Intel(r) AMT Boot Configuration Settings");
    assertThat(settings.snapshot().get("OptionsCleared")).containsExactly("false");
  }

  @Test
  void putOfDefaultsLeavesOptionsCleared() throws Exception {
    settings.put(settings("<b:UseIDER>false</b:UseIDER><b:UseSOL>false</b:UseSOL>"));

    assertThat(settings.snapshot().get("OptionsCleared")).containsExactly("true");
  }

  @Test
  void writeOnlyPasswordReadsBackEmpty() throws Exception {
    settings.put(settings("<b:RSEPassword>secret</b:RSEPassword>"));

    assertThat(settings.snapshot().get("RSEPassword")).containsExactly("");
  }

  @Test
  void putRejectsUnknownPropertyNamingIt() {
    assertThatThrownBy(
            () -> settings.put(settings("<b:UEFIBootNumberOfParams>0</b:UEFIBootNumberOfParams>")))
        .isInstanceOf(WsmanFault.class)
        .satisfies(
            f -> assertThat(((WsmanFault) f).subcodeLocalName()).isEqualTo("InvalidRepresentation"))
        .satisfies(f -> assertThat(((WsmanFault) f).detail()).endsWith("/InvalidValues"))
        .hasMessageContaining("UEFIBootNumberOfParams");
  }

  @Test
  void putRejectsPropertiesOutOfOrder() {
    assertThatThrownBy(
            () ->
                settings.put(settings("<b:UseSOL>true</b:UseSOL><b:BIOSPause>false</b:BIOSPause>")))
        .isInstanceOf(WsmanFault.class)
        .hasMessageContaining("BIOSPause comes after UseSOL");
  }

  @Test
  void putRejectsRepeatedScalar() {
    assertThatThrownBy(
            () -> settings.put(settings("<b:UseSOL>true</b:UseSOL><b:UseSOL>true</b:UseSOL>")))
        .isInstanceOf(WsmanFault.class)
        .hasMessageContaining("repeated");
  }

  @Test
  void putRejectsBadBooleanAndLeavesEverythingUnchanged() {
    assertThatThrownBy(
            () -> settings.put(settings("<b:BIOSPause>true</b:BIOSPause><b:UseSOL>yes</b:UseSOL>")))
        .isInstanceOf(WsmanFault.class)
        .hasMessageContaining("UseSOL must be true or false");

    assertThat(settings.snapshot().get("BIOSPause")).containsExactly("false");
  }

  @Test
  void putRejectsNumberOutOfRange() {
    assertThatThrownBy(() -> settings.put(settings("<b:BootMediaIndex>256</b:BootMediaIndex>")))
        .isInstanceOf(WsmanFault.class)
        .hasMessageContaining("BootMediaIndex must be a number from 0 to 255");
  }

  @Test
  void putRejectsAnotherInstance() {
    assertThatThrownBy(() -> settings.put(settings("<b:InstanceID>other</b:InstanceID>")))
        .isInstanceOf(WsmanFault.class)
        .hasMessageContaining("InstanceID");
  }

  @Test
  void putRejectsWrongNamespace() {
    assertThatThrownBy(
            () ->
                settings.put(
                    DocumentHelper.parseText(
                            "<AMT_BootSettingData xmlns=\"http://example.com/other\"><UseSOL>true</UseSOL></AMT_BootSettingData>")
                        .getRootElement()))
        .isInstanceOf(WsmanFault.class)
        .satisfies(f -> assertThat(((WsmanFault) f).detail()).endsWith("/InvalidNamespace"));
  }

  @Test
  void putRejectsMissingBody() {
    assertThatThrownBy(() -> settings.put(null))
        .isInstanceOf(WsmanFault.class)
        .satisfies(f -> assertThat(((WsmanFault) f).detail()).endsWith("/MissingValues"));
  }

  @Test
  void clearOneTimeOptionsResetsThemAndMarksCleared() throws Exception {
    settings.put(
        settings(
            "<b:BIOSSetup>true</b:BIOSSetup><b:EnforceSecureBoot>true</b:EnforceSecureBoot><b:UseIDER>true</b:UseIDER>"));

    settings.clearOneTimeOptions();

    assertThat(settings.snapshot().get("BIOSSetup")).containsExactly("false");
    assertThat(settings.snapshot().get("UseIDER")).containsExactly("false");
    assertThat(settings.snapshot().get("EnforceSecureBoot")).containsExactly("true");
    assertThat(settings.snapshot().get("OptionsCleared")).containsExactly("true");
  }
}
