package org.amtpxe.amt.internal.cim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.amt.internal.wsman.WsmanFailures;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DeviceTimeoutException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.OperationFailedException;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * {@code AMT_MessageLog}: reads AMT's event log as firmware pages it, PositionToFirstRecord then
 * GetRecords until NoMoreRecords (docs/amt-wsman.md#event-log), and hands back the raw 21-byte
 * records, newest first. Every answer is checked before it is believed: each record must be base64
 * of exactly 21 bytes, a page must not hold more than was asked, the identifier must move forward,
 * and the read stops at its bounds in records, pages and time.
 */
public final class AmtMessageLog {
  public static final String CLASS = "AMT_MessageLog";
  public static final String URI = Wsman.amt(CLASS);
  public static final String POSITION = "PositionToFirstRecord";
  public static final String GET_RECORDS = "GetRecords";

  /** The size of one record. */
  public static final int RECORD_BYTES = 21;

  /** Records asked per GetRecords: a whole firmware log (390), as Intel's libraries ask. */
  public static final int PAGE_RECORDS = 390;

  /** PositionToFirstRecord ReturnValue 2 and GetRecords ReturnValue 3: the log is empty. */
  private static final int POSITION_EMPTY = 2;

  private static final int GET_RECORDS_EMPTY = 3;

  /** GetRecords ReturnValue 1: the firmware does not read its log this way. */
  private static final int NOT_SUPPORTED = 1;

  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

  /** 21 bytes are 28 base64 characters; a little slack for whitespace firmware might add. */
  private static final int MAX_RECORD_CHARS = 64;

  /**
   * The bounds of one read.
   *
   * @param pageRecords the MaxReadRecords of each GetRecords
   * @param maxRecords the most records kept; the read stops there and says the log was truncated
   * @param maxPages the most GetRecords requests
   * @param maxNanos the longest the whole read may take (each request also has its own deadline)
   */
  public record Bounds(int pageRecords, int maxRecords, int maxPages, long maxNanos) {
    /**
     * Pages of a whole firmware log (390, as Intel's libraries ask); at most ten logs' worth of
     * records, more pages than any honest log needs, one minute in all.
     */
    public static final Bounds DEFAULT = new Bounds(PAGE_RECORDS, 4096, 64, 60_000_000_000L);

    /** Checks the ranges. */
    public Bounds {
      if (pageRecords < 1 || maxRecords < 1 || maxPages < 1 || maxNanos < 1) {
        throw new IllegalArgumentException("every bound must be at least 1");
      }
    }
  }

  /**
   * What a read found.
   *
   * @param records the raw records, newest first
   * @param requests the requests sent
   * @param truncated true when {@link Bounds#maxRecords} stopped the read
   */
  public record Read(List<byte[]> records, int requests, boolean truncated) {}

  private final WsmanClient client;
  private final Bounds bounds;
  private final LongSupplier nanoTime;

  public AmtMessageLog(WsmanClient client, Bounds bounds, LongSupplier nanoTime) {
    this.client = client;
    this.bounds = bounds;
    this.nanoTime = nanoTime;
  }

  /** The PositionToFirstRecord request (an empty input). */
  public static WsmanRequest positionRequest() {
    Element input = DocumentHelper.createElement(Wsman.inClass(URI, POSITION + "_INPUT"));
    return WsmanRequest.invoke(URI, POSITION, Map.of(), input);
  }

  /** The GetRecords request for a page starting at {@code identifier}. */
  public static WsmanRequest getRecordsRequest(long identifier, int maxRead) {
    Element input = DocumentHelper.createElement(Wsman.inClass(URI, GET_RECORDS + "_INPUT"));
    input.addElement(Wsman.inClass(URI, "IterationIdentifier")).setText(Long.toString(identifier));
    input.addElement(Wsman.inClass(URI, "MaxReadRecords")).setText(Integer.toString(maxRead));
    return WsmanRequest.invoke(URI, GET_RECORDS, Map.of(), input);
  }

  /**
   * Reads the whole log.
   *
   * @throws org.amtpxe.api.error.UnsupportedDriverOperationException is not thrown here: a firmware
   *     without the class faults, which the caller maps
   * @throws DeviceCommunicationException when an answer is malformed or a bound is exceeded
   * @throws DeviceTimeoutException when the read takes longer than {@link Bounds#maxNanos}
   * @throws OperationFailedException when the firmware faults or answers an unexpected ReturnValue
   * @throws DriverException when a request fails
   */
  public Read read() throws DriverException {
    long start = nanoTime.getAsLong();
    WsmanRequest request = positionRequest();
    Element position = output(request);
    int requests = 1;
    int value = returnValue(request, position);
    if (value == POSITION_EMPTY) {
      return new Read(List.of(), requests, false);
    }
    check(request, position, value);
    long identifier = identifier(request, position, 0);
    List<byte[]> records = new ArrayList<>();
    for (int page = 0; ; page++) {
      if (page == bounds.maxPages()) {
        throw unusable(
            request,
            "the log did not end after "
                + bounds.maxPages()
                + " GetRecords requests ("
                + records.size()
                + " records)");
      }
      if (nanoTime.getAsLong() - start > bounds.maxNanos()) {
        throw new DeviceTimeoutException(
            client.endpoint().label()
                + ": reading the event log took more than "
                + bounds.maxNanos() / 1_000_000_000L
                + " s ("
                + records.size()
                + " records in "
                + requests
                + " requests); the AMT is very slow or its log does not end.");
      }
      int ask = Math.min(bounds.pageRecords(), bounds.maxRecords() - records.size());
      request = getRecordsRequest(identifier, ask);
      Element out = output(request);
      requests++;
      value = returnValue(request, out);
      if (value == GET_RECORDS_EMPTY && page == 0) {
        return new Read(List.of(), requests, false);
      }
      check(request, out, value);
      List<Element> array = out.elements(Wsman.inClass(URI, "RecordArray"));
      if (array.size() > ask) {
        throw unusable(
            request,
            "GetRecords returned " + array.size() + " records, more than the " + ask + " asked");
      }
      for (int i = 0; i < array.size(); i++) {
        records.add(decode(request, page, i, array.get(i).getText()));
      }
      String more = text(out, "NoMoreRecords");
      if ("true".equalsIgnoreCase(more)) {
        return new Read(records, requests, false);
      }
      if (!"false".equalsIgnoreCase(more)) {
        throw unusable(request, "NoMoreRecords is missing or not true/false");
      }
      if (records.size() >= bounds.maxRecords()) {
        return new Read(records, requests, true);
      }
      if (array.isEmpty()) {
        throw unusable(request, "GetRecords returned no record but said there are more");
      }
      identifier = identifier(request, out, identifier);
    }
  }

  private Element output(WsmanRequest request) throws DriverException {
    return client.fetch(request, Wsman.inClass(URI, request.operation() + "_OUTPUT"));
  }

  private int returnValue(WsmanRequest request, Element output) throws DriverException {
    String text = text(output, "ReturnValue");
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw unusable(request, "ReturnValue is missing or not a number");
    }
  }

  private void check(WsmanRequest request, Element output, int value) throws DriverException {
    if (value == NOT_SUPPORTED) {
      throw OperationFailedException.builder(request.operation())
          .httpStatus(200)
          .returnValue(value, "Not Supported")
          .message(
              client.endpoint().label()
                  + ": this AMT does not give out its event log ("
                  + request.operation()
                  + " ReturnValue 1, not supported).")
          .build();
    }
    WsmanFailures.checkReturnValue(client.endpoint(), request, output);
  }

  /** The IterationIdentifier of an answer: a number, and past {@code previous}. */
  private long identifier(WsmanRequest request, Element output, long previous)
      throws DriverException {
    String text = text(output, "IterationIdentifier");
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw unusable(request, "IterationIdentifier is missing or not a number");
    }
    if (value < 1 || value > 0xFFFF_FFFFL) {
      throw unusable(request, "IterationIdentifier " + value + " is out of range");
    }
    if (value <= previous) {
      // NOTE: an identifier that does not move forward would read the same page for ever.
      throw unusable(
          request,
          "IterationIdentifier did not move forward (" + previous + " then " + value + ")");
    }
    return value;
  }

  private byte[] decode(WsmanRequest request, int page, int index, String text)
      throws DriverException {
    String where = "record " + (index + 1) + " of page " + (page + 1);
    if (text == null || text.length() > MAX_RECORD_CHARS) {
      throw unusable(request, where + " is longer than a 21-byte record");
    }
    byte[] bytes;
    try {
      // NOTE: strict base64; only whitespace (a line break firmware might add) is dropped.
      bytes = Base64.getDecoder().decode(WHITESPACE.matcher(text).replaceAll(""));
    } catch (IllegalArgumentException e) {
      throw unusable(request, where + " is not base64");
    }
    if (bytes.length != RECORD_BYTES) {
      throw unusable(
          request,
          where + " has " + bytes.length + " bytes, not the " + RECORD_BYTES + " of a record");
    }
    return bytes;
  }

  private static String text(Element output, String name) {
    Element e = output.element(Wsman.inClass(URI, name));
    return e == null ? "" : e.getTextTrim();
  }

  private DeviceCommunicationException unusable(WsmanRequest request, String why) {
    return WsmanFailures.unusableReply(client.endpoint(), request, 200, why, null);
  }

  /** The element name of a record in a GetRecords answer. */
  public static QName recordElement() {
    return Wsman.inClass(URI, "RecordArray");
  }
}
