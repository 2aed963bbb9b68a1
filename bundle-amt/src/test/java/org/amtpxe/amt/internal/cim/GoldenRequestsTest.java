package org.amtpxe.amt.internal.cim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.Golden;
import org.amtpxe.amt.internal.wsman.Envelopes;
import org.amtpxe.amt.internal.wsman.SafeXml;
import org.dom4j.Element;
import org.junit.jupiter.api.Test;

/** Every request the driver sends, compared with its golden file. */
class GoldenRequestsTest {

  @Test
  void getOfAssociatedPowerManagementServiceMatchesGolden() throws Exception {
    Golden.assertMatches(
        "/wsman/CIM_AssociatedPowerManagementService/Get.xml",
        CimAssociatedPowerManagementService.getRequest());
  }

  @Test
  void requestPowerStateChangeMatchesGolden() throws Exception {
    Golden.assertMatches(
        "/wsman/CIM_PowerManagementService/RequestPowerStateChange.xml",
        CimPowerManagementService.requestPowerStateChangeRequest(2));
  }

  @Test
  void getOfBootSettingDataMatchesGolden() throws Exception {
    Golden.assertMatches("/wsman/AMT_BootSettingData/Get.xml", AmtBootSettingData.getRequest());
  }

  @Test
  void putOfBootSettingDataClearsFlagsAndDropsReadOnlyFields() throws Exception {
    Element current =
        SafeXml.parse(FakeAmt.resource("/wsman/AMT_BootSettingData/replies/get.xml"))
            .getRootElement()
            .element("Body")
            .element("AMT_BootSettingData");

    Golden.assertMatches(
        "/wsman/AMT_BootSettingData/Put.xml", AmtBootSettingData.putRequest(current, false));
  }

  @Test
  void getOfBootCapabilitiesMatchesGolden() throws Exception {
    Golden.assertMatches("/wsman/AMT_BootCapabilities/Get.xml", AmtBootCapabilities.getRequest());
  }

  @Test
  void changeBootOrderWithSourceMatchesGolden() throws Exception {
    Golden.assertMatches(
        "/wsman/CIM_BootConfigSetting/ChangeBootOrder.xml",
        CimBootConfigSetting.changeBootOrderRequest(CimBootConfigSetting.SOURCE_PXE));
  }

  @Test
  void changeBootOrderWithoutSourceMatchesGolden() throws Exception {
    Golden.assertMatches(
        "/wsman/CIM_BootConfigSetting/ChangeBootOrder-clear.xml",
        CimBootConfigSetting.changeBootOrderRequest(null));
  }

  @Test
  void setBootConfigRoleMatchesGolden() throws Exception {
    Golden.assertMatches(
        "/wsman/CIM_BootService/SetBootConfigRole.xml",
        CimBootService.setBootConfigRoleRequest(CimBootService.ROLE_IS_NEXT_SINGLE_USE));
  }

  @Test
  void comparisonNoticesAWrongValue() throws Exception {
    byte[] off =
        Envelopes.serialize(
            Envelopes.build(
                CimPowerManagementService.requestPowerStateChangeRequest(8),
                "uuid:" + UUID.randomUUID()));

    assertThat(
            Golden.diff("/wsman/CIM_PowerManagementService/RequestPowerStateChange.xml", off)
                .hasDifferences())
        .isTrue();
  }

  @Test
  void comparisonNoticesAWrongNamespaceButNotAnotherPrefix() throws Exception {
    String golden = new String(FakeAmt.resource("/wsman/CIM_BootService/SetBootConfigRole.xml"));
    byte[] otherPrefix = golden.replace("bs:", "zz:").replace("xmlns:bs=", "xmlns:zz=").getBytes();
    byte[] otherNamespace =
        golden
            .replace("cim-schema/2/CIM_BootService\"", "cim-schema/3/CIM_BootService\"")
            .getBytes();

    assertThat(
            Golden.diff("/wsman/CIM_BootService/SetBootConfigRole.xml", otherPrefix)
                .hasDifferences())
        .isFalse();
    assertThat(
            Golden.diff("/wsman/CIM_BootService/SetBootConfigRole.xml", otherNamespace)
                .hasDifferences())
        .isTrue();
  }
}
