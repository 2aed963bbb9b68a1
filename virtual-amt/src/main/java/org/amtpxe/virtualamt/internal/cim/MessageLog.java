package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.EventLog;
import org.amtpxe.virtualamt.internal.firmware.PlatformEvent;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.dom4j.Element;

/**
 * AMT_MessageLog: the event log the BIOS and AMT write, read with PositionToFirstRecord then
 * GetRecords pages of base64 records, newest first; docs/amt-wsman.md#event-log.
 */
final class MessageLog extends CimResource {
  static final String POSITION = "PositionToFirstRecord";
  static final String GET_RECORDS = "GetRecords";
  private static final String NAME = "Intel(r) AMT:MessageLog 1";

  /** PositionToFirstRecord ReturnValue: the log is empty. */
  private static final int NO_RECORD_EXISTS = 2;

  /** GetRecords ReturnValue: the identifier points past the last record. */
  private static final int INVALID_RECORD_POINTED = 2;

  /** GetRecords ReturnValue: the log is empty. */
  private static final int NO_RECORD_IN_LOG = 3;

  MessageLog() {
    super(Namespaces.amtClass("AMT_MessageLog"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    EventLog log = firmware.eventLog();
    return List.of(
        CimInstance.builder(resourceUri())
            // NOTE: the values firmware reports (docs/amt-wsman.md#event-log): fixed 21-byte
            // records of octets, no headers, a ring that wraps when full.
            .property("Capabilities", List.of(5, 6, 8, 7))
            .property("CharacterSet", 10)
            .key("CreationClassName", "AMT_MessageLog")
            .property("CurrentNumberOfRecords", log.size())
            .property("ElementName", NAME)
            .property("EnabledDefault", 2)
            .property("EnabledState", 2)
            .property("HealthState", 5)
            .property("IsFrozen", false)
            .property("LastChange", 0)
            .property("LogState", 4)
            .property("MaxLogSize", 0)
            .property("MaxNumberOfRecords", log.capacity())
            .property("MaxRecordSize", PlatformEvent.SIZE)
            .key("Name", NAME)
            .property("OperationalStatus", 2)
            .property("OverwritePolicy", 2)
            .property("PercentageNearFull", 100)
            .property("RequestedState", 12)
            .property("SizeOfHeader", 0)
            .property("SizeOfRecordHeader", 0)
            .property("Status", "OK")
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("CreationClassName", "Name");
  }

  @Override
  public Set<String> methods() {
    return Set.of(POSITION, GET_RECORDS);
  }

  @Override
  public Map<String, List<String>> invokeWithArrays(
      AmtFirmware firmware, String method, CimInstance target, Element input) throws WsmanFault {
    EventLog log = firmware.eventLog();
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (POSITION.equals(method)) {
      out.put("IterationIdentifier", List.of("1"));
      out.put("ReturnValue", List.of(log.size() == 0 ? "" + NO_RECORD_EXISTS : "0"));
      return out;
    }
    MethodInput in = new MethodInput(input, resourceUri());
    long first = positive(in, "IterationIdentifier");
    long max = positive(in, "MaxReadRecords");
    int size = log.size();
    if (size == 0) {
      out.put("IterationIdentifier", List.of(Long.toString(first)));
      out.put("NoMoreRecords", List.of("true"));
      out.put("ReturnValue", List.of("" + NO_RECORD_IN_LOG));
      return out;
    }
    if (first > size) {
      out.put("IterationIdentifier", List.of(Long.toString(first)));
      out.put("NoMoreRecords", List.of("true"));
      out.put("ReturnValue", List.of("" + INVALID_RECORD_POINTED));
      return out;
    }
    // NOTE: one answer holds at most a whole log's worth of records, whatever MaxReadRecords asks.
    int count = (int) Math.min(max, log.capacity());
    List<PlatformEvent> page = log.read((int) first, count);
    List<String> records = new ArrayList<>(page.size());
    Base64.Encoder base64 = Base64.getEncoder();
    for (PlatformEvent e : page) {
      records.add(base64.encodeToString(e.encode()));
    }
    long next = first + page.size();
    out.put("IterationIdentifier", List.of(Long.toString(next)));
    out.put("NoMoreRecords", List.of(Boolean.toString(next > size)));
    if (!records.isEmpty()) {
      out.put("RecordArray", records);
    }
    out.put("ReturnValue", List.of("0"));
    return out;
  }

  private static long positive(MethodInput in, String name) throws WsmanFault {
    String text = in.text(name);
    if (text == null) {
      throw WsmanFault.invalidParameter("MissingValues", name + " is required");
    }
    try {
      long value = Long.parseLong(text);
      if (value >= 1 && value <= 0xFFFF_FFFFL) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw WsmanFault.invalidParameter(
        "InvalidValues", name + " must be a number from 1 to 4294967295");
  }
}
