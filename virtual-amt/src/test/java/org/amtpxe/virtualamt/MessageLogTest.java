package org.amtpxe.virtualamt;

import static org.amtpxe.virtualamt.testing.Wsman.GET;
import static org.amtpxe.virtualamt.testing.Wsman.MESSAGE_LOG;
import static org.amtpxe.virtualamt.testing.Wsman.PMS;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.DigestClient.Reply;
import org.amtpxe.virtualamt.testing.Emulator;
import org.amtpxe.virtualamt.testing.EventLogReader;
import org.amtpxe.virtualamt.testing.Replies;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AMT_MessageLog as firmware serves it: the instance, PositionToFirstRecord, GetRecords pages of
 * 21-byte base64 records newest first, its return values and faults, and the events a boot logs.
 */
class MessageLogTest {
  private static final String POSITION = MESSAGE_LOG + "/PositionToFirstRecord";
  private static final String GET_RECORDS = MESSAGE_LOG + "/GetRecords";

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

  private Replies send(Wsman request, int status) throws Exception {
    Reply reply = client.send(request.build());
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    return Replies.of(reply.body());
  }

  private Replies getRecords(Style style, String identifier, String max, int status)
      throws Exception {
    Wsman request =
        Wsman.request(style, GET_RECORDS, MESSAGE_LOG).body(Wsman.getRecords(identifier, max));
    if (style != Style.INTEL) {
      request.selector("Name", "Intel(r) AMT:MessageLog 1");
    }
    return send(request, status);
  }

  private void power(int state) throws Exception {
    Replies r =
        send(
            Wsman.request(Style.INTEL, PMS + "/RequestPowerStateChange", PMS)
                .body(Wsman.requestPowerStateChange(Style.INTEL, state)),
            200);
    assertThat(r.text("//pms:ReturnValue")).isEqualTo("0");
  }

  private static int sensor(byte[] record) {
    return record[5] & 0xFF;
  }

  private static int offset(byte[] record) {
    return record[7] & 0xFF;
  }

  private static long time(byte[] record) {
    return (record[0] & 0xFFL)
        | (record[1] & 0xFFL) << 8
        | (record[2] & 0xFFL) << 16
        | (record[3] & 0xFFL) << 24;
  }

  @Test
  void getShowsAFixedRecordRingOf390() throws Exception {
    Replies r = send(Wsman.request(Style.INTEL, GET, MESSAGE_LOG), 200);

    assertThat(r.text("//ml:AMT_MessageLog/ml:MaxNumberOfRecords")).isEqualTo("390");
    assertThat(r.text("//ml:AMT_MessageLog/ml:MaxRecordSize")).isEqualTo("21");
    assertThat(r.text("//ml:AMT_MessageLog/ml:OverwritePolicy")).isEqualTo("2");
    assertThat(r.text("//ml:AMT_MessageLog/ml:CurrentNumberOfRecords")).isEqualTo("0");
    assertThat(r.texts("//ml:AMT_MessageLog/ml:Capabilities")).containsExactly("5", "6", "8", "7");
  }

  @Test
  void anEmptyLogAnswersNoRecordExists() throws Exception {
    Replies position =
        send(
            Wsman.request(Style.INTEL, POSITION, MESSAGE_LOG).body(Wsman.positionToFirstRecord()),
            200);
    assertThat(position.text("//ml:PositionToFirstRecord_OUTPUT/ml:ReturnValue")).isEqualTo("2");

    Replies records = getRecords(Style.INTEL, "1", "390", 200);
    assertThat(records.text("//ml:GetRecords_OUTPUT/ml:ReturnValue")).isEqualTo("3");
    assertThat(records.text("//ml:NoMoreRecords")).isEqualTo("true");
    assertThat(records.texts("//ml:RecordArray")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Style.class)
  void aPowerOnLogsTheAcpiStateTheRestartTheBiosProgressAndTheDiskBoot(Style style)
      throws Exception {
    long before = Instant.now().getEpochSecond();
    power(2);

    Replies r = getRecords(style, "1", "390", 200);

    assertThat(r.text("//ml:GetRecords_OUTPUT/ml:ReturnValue")).isEqualTo("0");
    assertThat(r.text("//ml:NoMoreRecords")).isEqualTo("true");
    List<byte[]> records =
        r.texts("//ml:RecordArray").stream().map(Base64.getDecoder()::decode).toList();
    assertThat(records).allSatisfy(b -> assertThat(b).hasSize(21));
    // Newest first: the hand-over to the disk, starting the OS boot, PCI, memory, the restart
    // initiated by power-up, and first of all the host entering S0.
    assertThat(records)
        .extracting(b -> sensor(b) + "/" + offset(b) + "/" + (b[14] & 0xFF))
        .containsExactly("31/1/0", "15/2/19", "15/2/7", "15/2/1", "29/0/0", "34/0/0");
    assertThat(records).allSatisfy(b -> assertThat(time(b)).isBetween(before, before + 30));
    assertThat(records).allSatisfy(b -> assertThat(b[6]).isEqualTo((byte) 0x6F));
    assertThat(records.get(1)[11]).as("entity BIOS").isEqualTo((byte) 0x22);
    assertThat(records.get(1)[13]).as("code in data 2").isEqualTo((byte) 0x40);
    assertThat(
            send(Wsman.request(Style.INTEL, GET, MESSAGE_LOG), 200)
                .text("//ml:CurrentNumberOfRecords"))
        .isEqualTo("6");
  }

  @Test
  void aPxeBootLogsTheOptionRomAndThePxeHandOverAndPowerOffLogsSoftOff() throws Exception {
    try (Emulator pxe = Emulator.start(spec -> spec.defaultBootDevice(BootDevice.PXE))) {
      pxe.node().machine().powerOn();
      pxe.node().machine().powerOff();

      List<byte[]> records = EventLogReader.read(pxe.client(), 390);

      assertThat(records)
          .extracting(b -> sensor(b) + "/" + offset(b) + "/" + (b[14] & 0xFF))
          .containsExactly(
              "34/5/0", "31/2/0", "15/2/19", "15/2/8", "15/2/7", "15/2/1", "29/0/0", "34/0/0");
    }
  }

  @Test
  void pagesFollowTheIterationIdentifierUntilNoMoreRecords() throws Exception {
    power(2);
    power(10);
    power(8);
    List<byte[]> whole = EventLogReader.read(client, 390);

    Replies first = getRecords(Style.INTEL, "1", "4", 200);
    assertThat(first.texts("//ml:RecordArray")).hasSize(4);
    assertThat(first.text("//ml:NoMoreRecords")).isEqualTo("false");
    assertThat(first.text("//ml:GetRecords_OUTPUT/ml:IterationIdentifier")).isEqualTo("5");
    List<byte[]> paged = EventLogReader.read(client, 4);

    // power-on 6 (S0 first), the reset 5 (no power change), power-off 1
    assertThat(whole).hasSize(6 + 5 + 1);
    assertThat(paged).hasSize(whole.size());
    for (int i = 0; i < whole.size(); i++) {
      assertThat(paged.get(i)).isEqualTo(whole.get(i));
    }
  }

  @Test
  void anIdentifierPastTheEndIsInvalidRecordPointed() throws Exception {
    power(2);

    Replies r = getRecords(Style.INTEL, "7", "10", 200);

    assertThat(r.text("//ml:GetRecords_OUTPUT/ml:ReturnValue")).isEqualTo("2");
    assertThat(r.texts("//ml:RecordArray")).isEmpty();
  }

  @Test
  void aHugeMaxReadRecordsIsCappedAtTheLogSize() throws Exception {
    for (int i = 0; i < 80; i++) {
      emulator.node().machine().reset();
    }
    emulator.node().machine().powerOn();
    for (int i = 0; i < 80; i++) {
      emulator.node().machine().reset();
    }

    Replies r = getRecords(Style.INTEL, "1", "4294967295", 200);

    assertThat(r.texts("//ml:RecordArray")).hasSize(390);
    assertThat(r.text("//ml:NoMoreRecords")).isEqualTo("true");
  }

  @Test
  void missingOrBadParametersAreInvalidParameterFaults() throws Exception {
    for (String[] bad :
        new String[][] {{null, "10"}, {"1", null}, {"0", "10"}, {"x", "10"}, {"1", "-3"}}) {
      Replies r = getRecords(Style.INTEL, bad[0], bad[1], 400);
      assertThat(r.faultSubcode()).as(String.join(",", bad)).endsWith("}InvalidParameter");
    }
  }

  @Test
  void firmwareWithoutTheClassAnswersDestinationUnreachable() throws Exception {
    emulator
        .node()
        .setSwitches(
            emulator.node().switches().toBuilder()
                .unsupportedClasses(java.util.Set.of("AMT_MessageLog"))
                .build());

    assertThat(getRecords(Style.INTEL, "1", "10", 400).faultSubcode())
        .endsWith("}DestinationUnreachable");
  }
}
