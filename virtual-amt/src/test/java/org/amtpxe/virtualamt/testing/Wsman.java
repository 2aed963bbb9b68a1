package org.amtpxe.virtualamt.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WS-Man request texts in the exact styles real AMT clients send, so that the emulator is tested
 * against the wire formats it will meet rather than against our own client's.
 */
public final class Wsman {
  public static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  public static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  public static final String ANONYMOUS = ADDRESSING + "/role/anonymous";
  public static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  public static final String ENUMERATION = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
  public static final String TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
  public static final String CIM = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";
  public static final String AMT = "http://intel.com/wbem/wscim/1/amt-schema/1/";

  public static final String GET = TRANSFER + "/Get";
  public static final String PUT = TRANSFER + "/Put";
  public static final String DELETE = TRANSFER + "/Delete";
  public static final String ENUMERATE = ENUMERATION + "/Enumerate";
  public static final String PULL = ENUMERATION + "/Pull";
  public static final String RELEASE = ENUMERATION + "/Release";

  public static final String APMS = CIM + "CIM_AssociatedPowerManagementService";
  public static final String SATE = CIM + "CIM_ServiceAvailableToElement";
  public static final String PMS = CIM + "CIM_PowerManagementService";
  public static final String PMC = CIM + "CIM_PowerManagementCapabilities";
  public static final String BOOT_CAPS = AMT + "AMT_BootCapabilities";
  public static final String BOOT_SETTINGS = AMT + "AMT_BootSettingData";
  public static final String BOOT_SOURCE = CIM + "CIM_BootSourceSetting";
  public static final String BOOT_CONFIG = CIM + "CIM_BootConfigSetting";
  public static final String BOOT_SERVICE = CIM + "CIM_BootService";
  public static final String COMPUTER_SYSTEM = CIM + "CIM_ComputerSystem";
  public static final String MESSAGE_LOG = AMT + "AMT_MessageLog";

  public static final String PXE = "Intel(r) AMT: Force PXE Boot";
  public static final String HDD = "Intel(r) AMT: Force Hard-drive Boot";
  public static final String CD = "Intel(r) AMT: Force CD/DVD Boot";

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String DEFAULT_URL = "http://127.0.0.1:16992/wsman";

  /** The client whose wire format a request imitates. */
  public enum Style {
    /**
     * Intel's message libraries (DMT, MeshCommander): default SOAP namespace, prefixes a: and w:,
     * To {@code /wsman}, header order Action, To, ResourceURI, MessageID, ReplyTo,
     * OperationTimeout, selectors; numeric MessageIDs; EPR address = bare addressing URI.
     */
    INTEL,
    /**
     * openwsman as Ironic used it: prefixes s:, wsa:, wsman:, mustUnderstand on the addressing
     * headers, full-URL To, MaxEnvelopeSize, uuid MessageIDs, {@code wsman:Name} in EPR selectors.
     */
    OPENWSMAN,
    /** Unusual prefixes and layout: env:, adr:, man:, no ReplyTo, no OperationTimeout. */
    ODD_PREFIXES
  }

  private final Style style;
  private final String action;
  private final String resourceUri;
  private final List<String[]> selectors = new ArrayList<>();
  private String to;
  private String messageId;
  private String body = "";
  private String extraHeaders = "";

  private Wsman(Style style, String action, String resourceUri) {
    this.style = style;
    this.action = action;
    this.resourceUri = resourceUri;
    int id = IDS.incrementAndGet();
    this.messageId =
        style == Style.INTEL
            ? Integer.toString(id)
            : "uuid:7c4d1f3e-0000-4000-8000-" + String.format("%012d", id);
  }

  /** Starts a request. */
  public static Wsman request(Style style, String action, String resourceUri) {
    return new Wsman(style, action, resourceUri);
  }

  public Wsman selector(String name, String value) {
    selectors.add(new String[] {name, value});
    return this;
  }

  public Wsman to(String value) {
    to = value;
    return this;
  }

  public Wsman messageId(String value) {
    messageId = value;
    return this;
  }

  /** The body content (inside the SOAP Body), with its own namespace declarations. */
  public Wsman body(String value) {
    body = value;
    return this;
  }

  /** Header elements appended after the standard ones, written in this style's prefixes. */
  public Wsman extraHeaders(String value) {
    extraHeaders = value;
    return this;
  }

  public String messageId() {
    return messageId;
  }

  /** The request text. */
  public String build() {
    switch (style) {
      case INTEL:
        StringBuilder sel = new StringBuilder();
        if (!selectors.isEmpty()) {
          sel.append("<w:SelectorSet>");
          for (String[] s : selectors) {
            sel.append("<w:Selector Name=\"")
                .append(s[0])
                .append("\">")
                .append(s[1])
                .append("</w:Selector>");
          }
          sel.append("</w:SelectorSet>");
        }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
            + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:a=\""
            + ADDRESSING
            + "\" xmlns:w=\""
            + WSMAN
            + "\""
            + " xmlns=\""
            + SOAP
            + "\"><Header><a:Action>"
            + action
            + "</a:Action><a:To>"
            + (to == null ? "/wsman" : to)
            + "</a:To>"
            + "<w:ResourceURI>"
            + resourceUri
            + "</w:ResourceURI><a:MessageID>"
            + messageId
            + "</a:MessageID>"
            + "<a:ReplyTo><a:Address>"
            + ANONYMOUS
            + "</a:Address></a:ReplyTo><w:OperationTimeout>PT60S</w:OperationTimeout>"
            + sel
            + extraHeaders
            + "</Header><Body>"
            + body
            + "</Body></Envelope>";
      case OPENWSMAN:
        StringBuilder s2 = new StringBuilder();
        if (!selectors.isEmpty()) {
          s2.append("    <wsman:SelectorSet>\n");
          for (String[] s : selectors) {
            s2.append("      <wsman:Selector Name=\"")
                .append(s[0])
                .append("\">")
                .append(s[1])
                .append("</wsman:Selector>\n");
          }
          s2.append("    </wsman:SelectorSet>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<s:Envelope xmlns:s=\""
            + SOAP
            + "\" xmlns:wsa=\""
            + ADDRESSING
            + "\" xmlns:wsman=\""
            + WSMAN
            + "\">\n"
            + "  <s:Header>\n"
            + "    <wsa:Action s:mustUnderstand=\"true\">"
            + action
            + "</wsa:Action>\n"
            + "    <wsa:To s:mustUnderstand=\"true\">"
            + (to == null ? DEFAULT_URL : to)
            + "</wsa:To>\n"
            + "    <wsman:ResourceURI s:mustUnderstand=\"true\">"
            + resourceUri
            + "</wsman:ResourceURI>\n"
            + "    <wsa:MessageID s:mustUnderstand=\"true\">"
            + messageId
            + "</wsa:MessageID>\n"
            + "    <wsa:ReplyTo>\n      <wsa:Address>"
            + ANONYMOUS
            + "</wsa:Address>\n    </wsa:ReplyTo>\n"
            + "    <wsman:MaxEnvelopeSize s:mustUnderstand=\"true\">153600</wsman:MaxEnvelopeSize>\n"
            + "    <wsman:OperationTimeout>PT60.000S</wsman:OperationTimeout>\n"
            + s2
            + extraHeaders
            + "  </s:Header>\n  <s:Body>"
            + body
            + "</s:Body>\n</s:Envelope>\n";
      default:
        StringBuilder s3 = new StringBuilder();
        if (!selectors.isEmpty()) {
          s3.append("<man:SelectorSet xmlns:man=\"").append(WSMAN).append("\">");
          for (String[] s : selectors) {
            s3.append("<man:Selector man:Name=\"")
                .append(s[0])
                .append("\">")
                .append(s[1])
                .append("</man:Selector>");
          }
          s3.append("</man:SelectorSet>");
        }
        return "<env:Envelope xmlns:env=\""
            + SOAP
            + "\"><env:Header>"
            + "<man:ResourceURI xmlns:man=\""
            + WSMAN
            + "\">"
            + resourceUri
            + "</man:ResourceURI>"
            + "<adr:MessageID xmlns:adr=\""
            + ADDRESSING
            + "\">"
            + messageId
            + "</adr:MessageID>"
            + "<adr:To xmlns:adr=\""
            + ADDRESSING
            + "\">"
            + (to == null ? DEFAULT_URL : to)
            + "</adr:To>"
            + "<adr:Action xmlns:adr=\""
            + ADDRESSING
            + "\" env:mustUnderstand=\"1\">"
            + action
            + "</adr:Action>"
            + s3
            + extraHeaders
            + "</env:Header><env:Body>"
            + body
            + "</env:Body></env:Envelope>";
    }
  }

  // ---- bodies ----

  /** An EPR parameter in this style. */
  public static String epr(
      Style style, String prefix, String element, String resourceUri, String... nameValues) {
    StringBuilder sel = new StringBuilder();
    for (int i = 0; i < nameValues.length; i += 2) {
      switch (style) {
        case INTEL ->
            sel.append("<Selector Name=\"")
                .append(nameValues[i])
                .append("\">")
                .append(nameValues[i + 1])
                .append("</Selector>");
        case OPENWSMAN ->
            sel.append("<wsman:Selector wsman:Name=\"")
                .append(nameValues[i])
                .append("\">")
                .append(nameValues[i + 1])
                .append("</wsman:Selector>");
        default ->
            sel.append("<m:Selector Name=\"")
                .append(nameValues[i])
                .append("\">")
                .append(nameValues[i + 1])
                .append("</m:Selector>");
      }
    }
    switch (style) {
      case INTEL:
        return "<"
            + prefix
            + ":"
            + element
            + "><Address xmlns=\""
            + ADDRESSING
            + "\">"
            + ADDRESSING
            + "</Address>"
            + "<ReferenceParameters xmlns=\""
            + ADDRESSING
            + "\"><ResourceURI xmlns=\""
            + WSMAN
            + "\">"
            + resourceUri
            + "</ResourceURI><SelectorSet xmlns=\""
            + WSMAN
            + "\">"
            + sel
            + "</SelectorSet></ReferenceParameters></"
            + prefix
            + ":"
            + element
            + ">";
      case OPENWSMAN:
        return "<"
            + prefix
            + ":"
            + element
            + " xmlns:wsa=\""
            + ADDRESSING
            + "\" xmlns:wsman=\""
            + WSMAN
            + "\">"
            + "<wsa:Address>"
            + ANONYMOUS
            + "</wsa:Address><wsa:ReferenceParameters><wsman:ResourceURI>"
            + resourceUri
            + "</wsman:ResourceURI><wsman:SelectorSet>"
            + sel
            + "</wsman:SelectorSet></wsa:ReferenceParameters></"
            + prefix
            + ":"
            + element
            + ">";
      default:
        return "<"
            + prefix
            + ":"
            + element
            + " xmlns:r=\""
            + ADDRESSING
            + "\" xmlns:m=\""
            + WSMAN
            + "\">"
            + "<r:Address>"
            + ANONYMOUS
            + "</r:Address><r:ReferenceParameters><m:ResourceURI>"
            + resourceUri
            + "</m:ResourceURI><m:SelectorSet>"
            + sel
            + "</m:SelectorSet></r:ReferenceParameters></"
            + prefix
            + ":"
            + element
            + ">";
    }
  }

  /** RequestPowerStateChange_INPUT with the ManagedElement Ironic and Intel send. */
  /** The body of AMT_MessageLog.PositionToFirstRecord, as MeshCommander sends it. */
  public static String positionToFirstRecord() {
    return "<h:PositionToFirstRecord_INPUT xmlns:h=\""
        + MESSAGE_LOG
        + "\"></h:PositionToFirstRecord_INPUT>";
  }

  /** The body of AMT_MessageLog.GetRecords, as Intel's libraries send it. */
  public static String getRecords(String identifier, String maxRead) {
    return "<h:GetRecords_INPUT xmlns:h=\""
        + MESSAGE_LOG
        + "\">"
        + (identifier == null
            ? ""
            : "<h:IterationIdentifier>" + identifier + "</h:IterationIdentifier>")
        + (maxRead == null ? "" : "<h:MaxReadRecords>" + maxRead + "</h:MaxReadRecords>")
        + "</h:GetRecords_INPUT>";
  }

  public static String requestPowerStateChange(Style style, int powerState) {
    return "<p:RequestPowerStateChange_INPUT xmlns:p=\""
        + PMS
        + "\"><p:PowerState>"
        + powerState
        + "</p:PowerState>"
        + epr(
            style,
            "p",
            "ManagedElement",
            COMPUTER_SYSTEM,
            "CreationClassName",
            "CIM_ComputerSystem",
            "Name",
            "ManagedSystem")
        + "</p:RequestPowerStateChange_INPUT>";
  }

  /** ChangeBootOrder_INPUT with one Source, or empty when source is null. */
  public static String changeBootOrder(Style style, String source) {
    if (source == null) {
      return "<h:ChangeBootOrder_INPUT xmlns:h=\"" + BOOT_CONFIG + "\"></h:ChangeBootOrder_INPUT>";
    }
    return "<h:ChangeBootOrder_INPUT xmlns:h=\""
        + BOOT_CONFIG
        + "\">"
        + epr(style, "h", "Source", BOOT_SOURCE, "InstanceID", source)
        + "</h:ChangeBootOrder_INPUT>";
  }

  /** SetBootConfigRole_INPUT for the AMT boot configuration. */
  public static String setBootConfigRole(Style style, int role) {
    return "<h:SetBootConfigRole_INPUT xmlns:h=\""
        + BOOT_SERVICE
        + "\">"
        + epr(
            style,
            "h",
            "BootConfigSetting",
            BOOT_CONFIG,
            "InstanceID",
            "Intel(r) AMT: Boot Configuration 0")
        + "<h:Role>"
        + role
        + "</h:Role></h:SetBootConfigRole_INPUT>";
  }

  /** A plain Enumerate body. */
  public static String enumerate() {
    return "<Enumerate xmlns=\"" + ENUMERATION + "\" />";
  }

  /** An optimized Enumerate body. */
  public static String enumerateOptimized(int maxElements) {
    return "<n:Enumerate xmlns:n=\""
        + ENUMERATION
        + "\" xmlns:w=\""
        + WSMAN
        + "\"><w:OptimizeEnumeration/>"
        + "<w:MaxElements>"
        + maxElements
        + "</w:MaxElements></n:Enumerate>";
  }

  /** A Pull body. */
  public static String pull(String context, int maxElements) {
    return "<Pull xmlns=\""
        + ENUMERATION
        + "\"><EnumerationContext>"
        + context
        + "</EnumerationContext>"
        + "<MaxElements>"
        + maxElements
        + "</MaxElements><MaxCharacters>32000</MaxCharacters></Pull>";
  }
}
