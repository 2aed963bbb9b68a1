package org.amtpxe.virtualamt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.amtpxe.virtualamt.testing.Wsman.Style;

/** Reads a virtual AMT's whole event log over WS-Man the way MeshCommander does. */
public final class EventLogReader {
  private EventLogReader() {}

  /**
   * PositionToFirstRecord, then GetRecords pages of {@code pageSize} until NoMoreRecords.
   *
   * @return the decoded records, newest first; empty when the log is
   */
  public static List<byte[]> read(DigestClient client, int pageSize) throws Exception {
    Replies start =
        Replies.of(
            client
                .send(
                    Wsman.request(
                            Style.INTEL,
                            Wsman.MESSAGE_LOG + "/PositionToFirstRecord",
                            Wsman.MESSAGE_LOG)
                        .body(Wsman.positionToFirstRecord())
                        .build())
                .body());
    List<byte[]> records = new ArrayList<>();
    if (!"0".equals(start.text("//ml:PositionToFirstRecord_OUTPUT/ml:ReturnValue"))) {
      return records;
    }
    String id = start.text("//ml:IterationIdentifier");
    for (int page = 0; page < 1000; page++) {
      Replies r =
          Replies.of(
              client
                  .send(
                      Wsman.request(
                              Style.INTEL, Wsman.MESSAGE_LOG + "/GetRecords", Wsman.MESSAGE_LOG)
                          .body(Wsman.getRecords(id, Integer.toString(pageSize)))
                          .build())
                  .body());
      assertThat(r.text("//ml:GetRecords_OUTPUT/ml:ReturnValue")).isEqualTo("0");
      for (String b : r.texts("//ml:RecordArray")) {
        records.add(Base64.getDecoder().decode(b));
      }
      if ("true".equals(r.text("//ml:NoMoreRecords"))) {
        return records;
      }
      id = r.text("//ml:GetRecords_OUTPUT/ml:IterationIdentifier");
    }
    throw new AssertionError("the event log did not end in 1000 pages");
  }
}
