package org.amtpxe.amt.internal.wsman;

import org.dom4j.Namespace;
import org.dom4j.QName;

/**
 * The WS-Management, WS-Addressing and SOAP names the driver speaks (docs/amt-wsman.md#envelope).
 */
public final class Wsman {
  public static final String SOAP_NS = "http://www.w3.org/2003/05/soap-envelope";
  public static final String ADDRESSING_NS = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  public static final String WSMAN_NS = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  public static final String TRANSFER_NS = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
  public static final String ENUMERATION_NS = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";

  /** Base of the DMTF CIM class resource URIs. */
  public static final String CIM_SCHEMA = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";

  /** Base of Intel's AMT class resource URIs. */
  public static final String AMT_SCHEMA = "http://intel.com/wbem/wscim/1/amt-schema/1/";

  /** The anonymous reply address and the address of a reference parameter. */
  public static final String ANONYMOUS = ADDRESSING_NS + "/role/anonymous";

  public static final String ACTION_GET = TRANSFER_NS + "/Get";
  public static final String ACTION_PUT = TRANSFER_NS + "/Put";
  public static final String ACTION_ENUMERATE = ENUMERATION_NS + "/Enumerate";
  public static final String ACTION_PULL = ENUMERATION_NS + "/Pull";

  /**
   * The most items one Pull asks for, as Intel's tools ask (docs/amt-wsman.md#inventory): more than
   * any inventory class holds, so one Pull normally ends the enumeration.
   */
  public static final int PULL_MAX_ELEMENTS = 999;

  /** The most characters one Pull asks for, as Intel's tools ask. */
  public static final int PULL_MAX_CHARACTERS = 99999;

  /** The request target: the service path, as Intel's own tools write it. */
  public static final String TO = "/wsman";

  /** The path every request is posted to. */
  public static final String PATH = "/wsman";

  /** How long AMT may work on a request; AMT enforces at least 30 s. */
  public static final String OPERATION_TIMEOUT = "PT60S";

  public static final Namespace S = Namespace.get("s", SOAP_NS);
  public static final Namespace A = Namespace.get("a", ADDRESSING_NS);
  public static final Namespace W = Namespace.get("w", WSMAN_NS);

  public static final QName ENVELOPE = QName.get("Envelope", S);
  public static final QName HEADER = QName.get("Header", S);
  public static final QName BODY = QName.get("Body", S);
  public static final QName MUST_UNDERSTAND = QName.get("mustUnderstand", S);
  public static final QName FAULT = QName.get("Fault", S);
  public static final QName CODE = QName.get("Code", S);
  public static final QName SUBCODE = QName.get("Subcode", S);
  public static final QName VALUE = QName.get("Value", S);
  public static final QName REASON = QName.get("Reason", S);
  public static final QName TEXT = QName.get("Text", S);
  public static final QName DETAIL = QName.get("Detail", S);

  public static final QName ACTION = QName.get("Action", A);
  public static final QName TO_ELEMENT = QName.get("To", A);
  public static final QName MESSAGE_ID = QName.get("MessageID", A);
  public static final QName RELATES_TO = QName.get("RelatesTo", A);
  public static final QName REPLY_TO = QName.get("ReplyTo", A);
  public static final QName ADDRESS = QName.get("Address", A);
  public static final QName REFERENCE_PARAMETERS = QName.get("ReferenceParameters", A);

  public static final QName RESOURCE_URI = QName.get("ResourceURI", W);
  public static final QName OPERATION_TIMEOUT_ELEMENT = QName.get("OperationTimeout", W);
  public static final QName SELECTOR_SET = QName.get("SelectorSet", W);
  public static final QName SELECTOR = QName.get("Selector", W);

  public static final Namespace N = Namespace.get("n", ENUMERATION_NS);
  public static final QName ENUMERATE = QName.get("Enumerate", N);
  public static final QName ENUMERATE_RESPONSE = QName.get("EnumerateResponse", N);
  public static final QName PULL = QName.get("Pull", N);
  public static final QName PULL_RESPONSE = QName.get("PullResponse", N);
  public static final QName ENUMERATION_CONTEXT = QName.get("EnumerationContext", N);
  public static final QName MAX_ELEMENTS = QName.get("MaxElements", N);
  public static final QName MAX_CHARACTERS = QName.get("MaxCharacters", N);
  public static final QName ITEMS = QName.get("Items", N);
  public static final QName END_OF_SEQUENCE = QName.get("EndOfSequence", N);

  /** Items and their end in an optimized EnumerateResponse (DMTF DSP0226 8.2.3). */
  public static final QName WSMAN_ITEMS = QName.get("Items", W);

  public static final QName WSMAN_END_OF_SEQUENCE = QName.get("EndOfSequence", W);

  private Wsman() {}

  /** The resource URI of a DMTF CIM class, for example {@code CIM_BootService}. */
  public static String cim(String className) {
    return CIM_SCHEMA + className;
  }

  /** The resource URI of an Intel AMT class, for example {@code AMT_BootSettingData}. */
  public static String amt(String className) {
    return AMT_SCHEMA + className;
  }

  /** The class name at the end of a resource URI. */
  public static String className(String resourceUri) {
    return resourceUri.substring(resourceUri.lastIndexOf('/') + 1);
  }

  /** A name in a class namespace (the class's resource URI), with the conventional prefix. */
  public static QName inClass(String resourceUri, String localName) {
    return QName.get(localName, Namespace.get("h", resourceUri));
  }
}
