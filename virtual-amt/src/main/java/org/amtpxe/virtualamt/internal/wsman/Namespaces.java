package org.amtpxe.virtualamt.internal.wsman;

/**
 * Namespace URIs and action URIs of WS-Management as AMT speaks it (docs/amt-wsman.md#envelope).
 */
public final class Namespaces {
  public static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";
  public static final String SOAP_11 = "http://schemas.xmlsoap.org/soap/envelope/";
  public static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  public static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  public static final String TRUST = "http://schemas.xmlsoap.org/ws/2005/02/trust";
  public static final String WSSE =
      "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
  public static final String CIM_BINDING = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd";
  public static final String TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer";
  public static final String ENUMERATION = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
  public static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
  public static final String XML = "http://www.w3.org/XML/1998/namespace";
  public static final String CIM_SCHEMA = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";
  public static final String AMT_SCHEMA = "http://intel.com/wbem/wscim/1/amt-schema/1/";

  public static final String ANONYMOUS = ADDRESSING + "/role/anonymous";
  public static final String FAULT_DETAIL =
      "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/";

  public static final String ACTION_GET = TRANSFER + "/Get";
  public static final String ACTION_PUT = TRANSFER + "/Put";
  public static final String ACTION_CREATE = TRANSFER + "/Create";
  public static final String ACTION_DELETE = TRANSFER + "/Delete";
  public static final String ACTION_ENUMERATE = ENUMERATION + "/Enumerate";
  public static final String ACTION_PULL = ENUMERATION + "/Pull";
  public static final String ACTION_RELEASE = ENUMERATION + "/Release";

  public static final String FAULT_ACTION_ADDRESSING = ADDRESSING + "/fault";
  public static final String FAULT_ACTION_WSMAN =
      "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";
  public static final String FAULT_ACTION_TRANSFER = TRANSFER + "/fault";
  public static final String FAULT_ACTION_ENUMERATION = ENUMERATION + "/fault";

  private Namespaces() {}

  /** The resource URI of a CIM class, e.g. {@code CIM_PowerManagementService}. */
  public static String cimClass(String className) {
    return CIM_SCHEMA + className;
  }

  /** The resource URI of an Intel AMT class, e.g. {@code AMT_BootSettingData}. */
  public static String amtClass(String className) {
    return AMT_SCHEMA + className;
  }
}
