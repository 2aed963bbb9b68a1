package org.amtpxe.virtualamt.internal.wsman;

import java.util.Objects;

/**
 * A SOAP fault the emulator answers with, as DSP0226 defines it and AMT sends it: code, subcode,
 * reason, optional detail, and the fault action of the subcode's specification.
 */
public final class WsmanFault extends Exception {
  private static final long serialVersionUID = 1L;

  /** The SOAP 1.2 fault code. */
  public enum Code {
    SENDER("Sender"),
    RECEIVER("Receiver"),
    MUST_UNDERSTAND("MustUnderstand"),
    VERSION_MISMATCH("VersionMismatch");

    private final String localName;

    Code(String localName) {
      this.localName = localName;
    }

    /** The local name in the SOAP envelope namespace. */
    public String localName() {
      return localName;
    }
  }

  /** What goes into {@code s:Detail}. */
  public enum DetailKind {
    NONE,
    /** {@code wsman:FaultDetail} with a fault detail URI. */
    FAULT_DETAIL,
    /** {@code wsa:Action} naming the unsupported action. */
    ACTION,
    /** Plain text, as AMT writes {@code AMT-STATUS} codes. */
    TEXT
  }

  private final Code code;
  private final String subcodeNamespace;
  private final String subcodeLocalName;
  private final String reason;
  private final DetailKind detailKind;
  private final String detail;
  private final String faultAction;
  private final String notUnderstoodNamespace;
  private final String notUnderstoodLocalName;

  private WsmanFault(
      Code code,
      String subcodeNamespace,
      String subcodeLocalName,
      String reason,
      DetailKind detailKind,
      String detail,
      String faultAction,
      String notUnderstoodNamespace,
      String notUnderstoodLocalName) {
    super(subcodeLocalName == null ? code.localName() : subcodeLocalName + ": " + reason);
    this.code = Objects.requireNonNull(code);
    this.subcodeNamespace = subcodeNamespace;
    this.subcodeLocalName = subcodeLocalName;
    this.reason = Objects.requireNonNull(reason);
    this.detailKind = Objects.requireNonNull(detailKind);
    this.detail = detail;
    this.faultAction = Objects.requireNonNull(faultAction);
    this.notUnderstoodNamespace = notUnderstoodNamespace;
    this.notUnderstoodLocalName = notUnderstoodLocalName;
  }

  private static WsmanFault of(
      Code code,
      String ns,
      String local,
      String reason,
      DetailKind kind,
      String detail,
      String action) {
    return new WsmanFault(code, ns, local, reason, kind, detail, action, null, null);
  }

  private static WsmanFault wsman(Code code, String local, String reason, String detailName) {
    return of(
        code,
        Namespaces.WSMAN,
        local,
        reason,
        detailName == null ? DetailKind.NONE : DetailKind.FAULT_DETAIL,
        detailName == null ? null : Namespaces.FAULT_DETAIL + detailName,
        Namespaces.FAULT_ACTION_WSMAN);
  }

  /** {@code wsa:DestinationUnreachable}: no such resource (detail InvalidResourceURI). */
  public static WsmanFault unknownResource() {
    return of(
        Code.SENDER,
        Namespaces.ADDRESSING,
        "DestinationUnreachable",
        "No route can be determined to reach the destination role defined by the WS-Addressing To.",
        DetailKind.FAULT_DETAIL,
        Namespaces.FAULT_DETAIL + "InvalidResourceURI",
        Namespaces.FAULT_ACTION_ADDRESSING);
  }

  /** {@code wsa:DestinationUnreachable}: the selectors name no instance. */
  public static WsmanFault noSuchInstance() {
    return of(
        Code.SENDER,
        Namespaces.ADDRESSING,
        "DestinationUnreachable",
        "No route can be determined to reach the destination role defined by the WS-Addressing To.",
        DetailKind.NONE,
        null,
        Namespaces.FAULT_ACTION_ADDRESSING);
  }

  /** {@code wsa:ActionNotSupported}, naming the action. */
  public static WsmanFault actionNotSupported(String action) {
    return of(
        Code.SENDER,
        Namespaces.ADDRESSING,
        "ActionNotSupported",
        "The action is not supported by the service.",
        DetailKind.ACTION,
        action,
        Namespaces.FAULT_ACTION_ADDRESSING);
  }

  /** {@code wsa:MessageInformationHeaderRequired}: a required header is missing. */
  public static WsmanFault headerRequired(String headerName) {
    return of(
        Code.SENDER,
        Namespaces.ADDRESSING,
        "MessageInformationHeaderRequired",
        "A required header property is missing: " + headerName + ".",
        DetailKind.NONE,
        null,
        Namespaces.FAULT_ACTION_ADDRESSING);
  }

  /** {@code wxf:InvalidRepresentation} with a detail such as InvalidValues or MissingValues. */
  public static WsmanFault invalidRepresentation(String detailName, String why) {
    return of(
        Code.SENDER,
        Namespaces.TRANSFER,
        "InvalidRepresentation",
        "The XML content is invalid: " + why,
        DetailKind.FAULT_DETAIL,
        Namespaces.FAULT_DETAIL + detailName,
        Namespaces.FAULT_ACTION_TRANSFER);
  }

  /** {@code wsman:QuotaLimit}: the service is busy. */
  public static WsmanFault quotaLimit() {
    return wsman(Code.SENDER, "QuotaLimit", "The service is busy servicing other requests.", null);
  }

  /** {@code wsman:InternalError}, with AMT's status text as detail. */
  public static WsmanFault internalError(String amtStatus) {
    return of(
        Code.RECEIVER,
        Namespaces.WSMAN,
        "InternalError",
        "The service cannot comply with the request due to internal processing errors.",
        DetailKind.TEXT,
        amtStatus,
        Namespaces.FAULT_ACTION_WSMAN);
  }

  /** {@code wsman:InvalidSelectors} with a detail such as InsufficientSelectors. */
  public static WsmanFault invalidSelectors(String detailName) {
    return wsman(
        Code.SENDER,
        "InvalidSelectors",
        "The Selectors for the resource are not valid.",
        detailName);
  }

  /** {@code wsman:InvalidParameter}: a method's input does not fit the method. */
  public static WsmanFault invalidParameter(String detailName, String why) {
    return wsman(
        Code.SENDER, "InvalidParameter", "An operation parameter is not valid: " + why, detailName);
  }

  /** {@code wsman:UnsupportedFeature} with a detail such as OptionSet. */
  public static WsmanFault unsupportedFeature(String detailName) {
    return wsman(
        Code.SENDER, "UnsupportedFeature", "The specified feature is not supported.", detailName);
  }

  /** {@code wsman:EncodingLimit} with a detail such as MinimumEnvelopeLimit. */
  public static WsmanFault encodingLimit(String detailName) {
    return wsman(
        Code.SENDER,
        "EncodingLimit",
        "An internal encoding limit was exceeded in a request or would be violated if the message were processed.",
        detailName);
  }

  /** {@code wsman:SchemaValidationError}: the request is not a SOAP envelope we can read. */
  public static WsmanFault schemaValidation(String why) {
    return wsman(
        Code.SENDER,
        "SchemaValidationError",
        "The supplied SOAP violates the corresponding XML Schema definition: " + why,
        null);
  }

  /** {@code wsen:InvalidEnumerationContext}. */
  public static WsmanFault invalidEnumerationContext() {
    return of(
        Code.RECEIVER,
        Namespaces.ENUMERATION,
        "InvalidEnumerationContext",
        "The supplied enumeration context is invalid.",
        DetailKind.NONE,
        null,
        Namespaces.FAULT_ACTION_ENUMERATION);
  }

  /** {@code wsen:FilteringNotSupported}. */
  public static WsmanFault filteringNotSupported() {
    return of(
        Code.SENDER,
        Namespaces.ENUMERATION,
        "FilteringNotSupported",
        "Filtered enumeration is not supported.",
        DetailKind.NONE,
        null,
        Namespaces.FAULT_ACTION_ENUMERATION);
  }

  /** SOAP {@code MustUnderstand}: a header marked mustUnderstand is not understood. */
  public static WsmanFault mustUnderstand(String namespace, String localName) {
    return new WsmanFault(
        Code.MUST_UNDERSTAND,
        null,
        null,
        "Header not understood: " + localName,
        DetailKind.NONE,
        null,
        Namespaces.FAULT_ACTION_ADDRESSING,
        namespace,
        localName);
  }

  /** SOAP {@code VersionMismatch}: a SOAP 1.1 envelope. */
  public static WsmanFault versionMismatch() {
    return of(
        Code.VERSION_MISMATCH,
        null,
        null,
        "Only SOAP 1.2 envelopes are supported.",
        DetailKind.NONE,
        null,
        Namespaces.FAULT_ACTION_ADDRESSING);
  }

  public Code code() {
    return code;
  }

  /** The subcode's namespace, null for MustUnderstand and VersionMismatch. */
  public String subcodeNamespace() {
    return subcodeNamespace;
  }

  /** The subcode's local name, null for MustUnderstand and VersionMismatch. */
  public String subcodeLocalName() {
    return subcodeLocalName;
  }

  public String reason() {
    return reason;
  }

  public DetailKind detailKind() {
    return detailKind;
  }

  /** The fault detail URI, action or text; null for {@link DetailKind#NONE}. */
  public String detail() {
    return detail;
  }

  public String faultAction() {
    return faultAction;
  }

  /** For MustUnderstand: the namespace of the header not understood. */
  public String notUnderstoodNamespace() {
    return notUnderstoodNamespace;
  }

  /** For MustUnderstand: the local name of the header not understood. */
  public String notUnderstoodLocalName() {
    return notUnderstoodLocalName;
  }

  /** The short name the request log shows, e.g. {@code DestinationUnreachable}. */
  public String shortName() {
    return subcodeLocalName == null ? code.localName() : subcodeLocalName;
  }
}
