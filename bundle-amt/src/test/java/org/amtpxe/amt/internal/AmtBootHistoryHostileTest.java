package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.fake.FirmwareXml;
import org.amtpxe.amt.fake.Reply;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.cim.AmtMessageLog;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.dom4j.Document;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AMT Boot History against a hostile "AMT" on loopback: too many records, bad base64, records of
 * the wrong length, a log that never ends, an identifier that does not move, missing fields, a
 * refusal. Each ends in a clear error (or a bounded, truncated read), never a hang or a crash.
 */
class AmtBootHistoryHostileTest {
  private static final String ML = AmtMessageLog.URI;
  private static final String GOOD =
      Base64.getEncoder()
          .encodeToString(AmtEventsTest.record(1_764_846_000L, 0x1F, 1, 2, 0x22, new int[0]));

  private FakeAmt amt;
  private AmtGateway gateway;

  /** What GetRecords answers for the n-th call (0-based). */
  private IntFunction<Element> pages;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    gateway = TestSettings.gateway(TestSettings.settings());
    int[] calls = {0};
    amt.responder(
        (request, id) -> {
          String action = action(request);
          if (action.endsWith("/PositionToFirstRecord")) {
            Element out = out("PositionToFirstRecord");
            field(out, "IterationIdentifier", "1");
            field(out, "ReturnValue", "0");
            return Reply.soap(200, FirmwareXml.envelope(action + "Response", id, out));
          }
          if (action.endsWith("/GetRecords")) {
            return Reply.soap(
                200, FirmwareXml.envelope(action + "Response", id, pages.apply(calls[0]++)));
          }
          return null;
        });
  }

  @AfterEach
  void stop() {
    gateway.close();
    amt.close();
  }

  private static String action(Document request) {
    for (Element h : request.getRootElement().element("Header").elements()) {
      if ("Action".equals(h.getName())) {
        return h.getTextTrim();
      }
    }
    return "";
  }

  private static Element out(String method) {
    return DocumentHelper.createElement(QName.get(method + "_OUTPUT", Namespace.get("g", ML)));
  }

  private static void field(Element out, String name, String value) {
    out.addElement(QName.get(name, out.getNamespace())).setText(value);
  }

  /** A GetRecords answer; null fields are left out. */
  private static Element page(String identifier, String noMore, List<String> records, String rv) {
    Element out = out("GetRecords");
    if (identifier != null) {
      field(out, "IterationIdentifier", identifier);
    }
    if (noMore != null) {
      field(out, "NoMoreRecords", noMore);
    }
    for (String r : records) {
      field(out, "RecordArray", r);
    }
    field(out, "ReturnValue", rv);
    return out;
  }

  private BootHistory read(AmtMessageLog.Bounds bounds) throws Exception {
    return new AmtBootHistory(gateway, bounds)
        .readBootHistory(new FakeTask(FakeTask.node(amt.driverInfo()), true, null, null));
  }

  private BootHistory read() throws Exception {
    return read(AmtMessageLog.Bounds.DEFAULT);
  }

  @Test
  void aWellFormedLogIsRead() throws Exception {
    pages = n -> page("3", "true", List.of(GOOD, GOOD), "0");

    BootHistory history = read();

    assertThat(history.events()).hasSize(2);
    assertThat(history.requests()).isEqualTo(2);
  }

  @Test
  void morePerPageThanAskedIsRefused() {
    pages = n -> page("392", "true", Collections.nCopies(391, GOOD), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("returned 391 records, more than the 390 asked");
  }

  @Test
  void badBase64IsRefused() {
    pages = n -> page("2", "true", List.of("not*base64!"), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("record 1 of page 1 is not base64");
  }

  @Test
  void charactersOutsideBase64AreRefusedEvenWhenTheRestDecodes() throws Exception {
    pages = n -> page("2", "true", List.of(GOOD.substring(0, 10) + "*" + GOOD.substring(10)), "0");
    assertThatThrownBy(this::read).hasMessageContaining("record 1 of page 1 is not base64");

    pages =
        n -> page("2", "true", List.of(GOOD.substring(0, 14) + "\n " + GOOD.substring(14)), "0");
    assertThat(read().events()).hasSize(1);
  }

  @Test
  void aTruncatedRecordIsRefused() {
    String short20 = Base64.getEncoder().encodeToString(new byte[20]);
    pages = n -> page("3", "true", List.of(GOOD, short20), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("record 2 of page 1 has 20 bytes, not the 21 of a record");
  }

  @Test
  void aHugeRecordIsRefusedWithoutEchoingIt() {
    String huge = "A".repeat(100_000);
    pages = n -> page("2", "true", List.of(huge), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("longer than a 21-byte record")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void aLogThatNeverEndsStopsAtTheRecordBoundAsTruncated() throws Exception {
    pages =
        n ->
            page(Integer.toString(2 + 390 * (n + 1)), "false", Collections.nCopies(390, GOOD), "0");

    BootHistory history = read(new AmtMessageLog.Bounds(390, 3900, 64, 60_000_000_000L));

    assertThat(history.truncated()).isTrue();
    assertThat(history.events()).hasSize(3900);
    assertThat(history.requests()).isEqualTo(1 + 10);
  }

  @Test
  void aLogThatNeverEndsInSmallPagesStopsAtThePageBound() {
    pages = n -> page(Integer.toString(n + 2), "false", List.of(GOOD), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("did not end after 64 GetRecords requests (64 records)");
  }

  @Test
  void anIdentifierThatDoesNotMoveIsRefused() {
    pages = n -> page("1", "false", List.of(GOOD), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("IterationIdentifier did not move forward (1 then 1)");
  }

  @Test
  void noRecordsButMoreToComeIsRefused() {
    pages = n -> page("5", "false", List.of(), "0");

    assertThatThrownBy(this::read)
        .isInstanceOf(DeviceCommunicationException.class)
        .hasMessageContaining("returned no record but said there are more");
  }

  @Test
  void missingNoMoreRecordsOrIdentifierIsRefused() {
    pages = n -> page("2", null, List.of(GOOD), "0");
    assertThatThrownBy(this::read).hasMessageContaining("NoMoreRecords is missing");

    pages = n -> page("x", "false", List.of(GOOD), "0");
    assertThatThrownBy(this::read).hasMessageContaining("IterationIdentifier is missing or not");
  }

  @Test
  void returnValueNotSupportedSaysTheLogCannotBeRead() {
    pages = n -> page("1", "true", List.of(), "1");

    assertThatThrownBy(this::read)
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("keeps no event log")
        .hasMessageNotContaining(FakeAmt.PASSWORD);
  }

  @Test
  void anEmptyLogOnTheFirstPageIsEmpty() throws Exception {
    pages = n -> page("1", "true", List.of(), "3");

    assertThat(read().events()).isEmpty();
  }

  @Test
  void aReadLongerThanItsTimeBoundIsATimeout() {
    pages = n -> page(Integer.toString(n + 2), "false", List.of(GOOD), "0");

    assertThatThrownBy(() -> read(new AmtMessageLog.Bounds(390, 4096, 64, 1)))
        .isInstanceOf(DeviceTimeoutException.class)
        .hasMessageContaining("reading the event log took more than");
  }
}
