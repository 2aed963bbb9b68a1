package org.amtpxe.amt.internal.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.Reply;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.AmtPowerStates;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService.PowerStatus;
import org.amtpxe.amt.internal.wsman.AmtHosts;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.model.PowerState;
import org.dom4j.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every reply shape of docs/amt-wsman.md#replies, served by the fake AMT and read by the CIM
 * classes.
 */
class ReplyShapesTest {
  private FakeAmt amt;
  private AmtHosts hosts;
  private WsmanClient client;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    hosts = new AmtHosts(WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
    client =
        new WsmanClient(hosts.transport(amt.endpoint(), TestSettings.transport()), amt.endpoint());
  }

  @AfterEach
  void stop() {
    hosts.close();
    amt.close();
  }

  private void serve(int status, String fixture) {
    amt.responder(
        (request, id) -> Reply.raw(status, Reply.SOAP_TYPE, FakeAmt.resource("/wsman/" + fixture)));
  }

  @ParameterizedTest
  @CsvSource({
    "get-on.xml, 2, POWER_ON, '8,11,10,5'",
    "get-off.xml, 8, POWER_OFF, '2'",
    "get-sleep-light.xml, 3, POWER_ON, '2,8'",
    "get-sleep-deep.xml, 4, POWER_ON, '2,8'",
    "get-hibernate.xml, 7, POWER_ON, '2,8'",
    "get-off-hard.xml, 6, ERROR, '2'",
    "get-on-os-agent.xml, 2, POWER_ON, '8,11,10,5,12,14,4,7'",
    "get-on-wrong-action.xml, 2, POWER_ON, '8,10'",
    "get-off-other-prefixes.xml, 8, POWER_OFF, '2'"
  })
  void powerStateRepliesAreRead(String fixture, int cim, PowerState meaning, String available)
      throws DriverException {
    serve(200, "CIM_AssociatedPowerManagementService/replies/" + fixture);

    PowerStatus status = new CimAssociatedPowerManagementService(client).get();

    assertThat(status.powerState()).isEqualTo(cim);
    assertThat(AmtPowerStates.toApi(status.powerState())).isEqualTo(meaning);
    assertThat(status.availableRequestedPowerStates())
        .containsExactly(
            java.util.Arrays.stream(available.split(","))
                .map(Integer::valueOf)
                .toArray(Integer[]::new));
  }

  @Test
  void requestPowerStateChangeReturnValueZeroSucceeds() throws DriverException {
    serve(200, "CIM_PowerManagementService/replies/RequestPowerStateChange-0.xml");

    new CimPowerManagementService(client).requestPowerStateChange(2);
  }

  @Test
  void requestPowerStateChangeReturnValueTwoFailsWithItsMeaning() {
    serve(200, "CIM_PowerManagementService/replies/RequestPowerStateChange-2.xml");

    assertThatThrownBy(() -> new CimPowerManagementService(client).requestPowerStateChange(8))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.returnValue()).isEqualTo(2);
              assertThat(e.returnValueMeaning()).contains("impossible in the current power state");
              assertThat(e.operation()).isEqualTo("RequestPowerStateChange");
              assertThat(e.httpStatus()).isEqualTo(200);
              assertThat(e.faultSubcode()).isNull();
              assertThat(e.getMessage())
                  .contains("AMT call RequestPowerStateChange")
                  .contains("ReturnValue 2");
            });
  }

  @Test
  void changeBootOrderReturnValuesAreChecked() throws DriverException {
    serve(200, "CIM_BootConfigSetting/replies/ChangeBootOrder-0.xml");
    new CimBootConfigSetting(client).changeBootOrder(CimBootConfigSetting.SOURCE_PXE);

    serve(200, "CIM_BootConfigSetting/replies/ChangeBootOrder-2.xml");
    assertThatThrownBy(() -> new CimBootConfigSetting(client).changeBootOrder(null))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> assertThat(e.returnValueMeaning()).isEqualTo("unknown or unspecified error"));
  }

  @Test
  void vendorReturnValueIsNamedAsPtStatus() {
    serve(200, "CIM_BootConfigSetting/replies/ChangeBootOrder-34849.xml");

    assertThatThrownBy(
            () -> new CimBootConfigSetting(client).changeBootOrder(CimBootConfigSetting.SOURCE_PXE))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.returnValue()).isEqualTo(34849);
              assertThat(e.returnValueMeaning())
                  .isEqualTo("Intel PT_STATUS 0x821 USER_CONSENT_REQUIRED");
            });
  }

  @Test
  void setBootConfigRoleReturnValuesAreChecked() throws DriverException {
    serve(200, "CIM_BootService/replies/SetBootConfigRole-0.xml");
    new CimBootService(client).setBootConfigRole(1);

    serve(200, "CIM_BootService/replies/SetBootConfigRole-6.xml");
    assertThatThrownBy(() -> new CimBootService(client).setBootConfigRole(1))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> assertThat(e.returnValueMeaning()).startsWith("access denied"));
  }

  @Test
  void bootSettingDataGetAndPutRepliesAreRead() throws DriverException {
    serve(200, "AMT_BootSettingData/replies/get.xml");
    Element current = new AmtBootSettingData(client).get();
    assertThat(current.elements()).hasSize(31);

    serve(200, "AMT_BootSettingData/replies/put.xml");
    new AmtBootSettingData(client).put(current, false);
  }

  @Test
  void bootCapabilitiesAreRead() throws DriverException {
    serve(200, "AMT_BootCapabilities/replies/get.xml");

    AmtBootCapabilities.Capabilities capabilities = new AmtBootCapabilities(client).get();

    assertThat(capabilities)
        .isEqualTo(new AmtBootCapabilities.Capabilities(true, true, true, true));
  }

  @ParameterizedTest
  @CsvSource({
    "destination-unreachable.xml, 400, {http://schemas.xmlsoap.org/ws/2004/08/addressing}DestinationUnreachable, No route can be determined, ",
    "invalid-representation.xml, 400, {http://schemas.xmlsoap.org/ws/2004/09/transfer}InvalidRepresentation, XML content was invalid, http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MissingValues",
    "quota-limit.xml, 500, {http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd}QuotaLimit, busy servicing other requests, ",
    "internal-error.xml, 400, {http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd}InternalError, internal processing errors, AMT-STATUS 2057",
    "access-denied.xml, 400, {http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd}AccessDenied, not authorized, ",
    "must-understand.xml, 500, {http://www.w3.org/2003/05/soap-envelope}MustUnderstand, Header not understood, "
  })
  void faultsBecomeOperationFailures(
      String fixture, int status, String subcode, String reason, String detail) {
    serve(status, "faults/" + fixture);

    assertThatThrownBy(() -> new CimAssociatedPowerManagementService(client).get())
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(status);
              assertThat(e.faultSubcode()).isEqualTo(subcode);
              assertThat(e.faultReason()).contains(reason);
              assertThat(e.faultDetail()).isEqualTo(detail);
              assertThat(e.returnValue()).isNull();
            });
  }

  @Test
  void faultOnAMethodCallIsAnOperationFailureNotACrash() {
    serve(400, "faults/access-denied.xml");

    assertThatThrownBy(() -> new CimBootService(client).setBootConfigRole(1))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            e -> {
              assertThat(e.operation()).isEqualTo("SetBootConfigRole");
              assertThat(e.getMessage()).contains("user consent");
            });
  }

  @Test
  void replyOfTheWrongClassIsRefused() {
    serve(200, "AMT_BootCapabilities/replies/get.xml");

    assertThatThrownBy(() -> new CimAssociatedPowerManagementService(client).get())
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("expected CIM_AssociatedPowerManagementService");
  }
}
