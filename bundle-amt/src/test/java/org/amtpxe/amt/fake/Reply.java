package org.amtpxe.amt.fake;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.dom4j.Document;

/**
 * A reply of the fake AMT.
 *
 * @param status HTTP status
 * @param contentType the Content-Type header
 * @param body the body bytes
 * @param headers extra headers
 */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String SOAP_TYPE = "application/soap+xml; charset=UTF-8";

  /** A SOAP reply. */
  public static Reply soap(int status, Document document) {
    return new Reply(status, SOAP_TYPE, FirmwareXml.bytes(document), Map.of());
  }

  /** A reply with a literal body. */
  public static Reply raw(int status, String contentType, String body) {
    return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A reply with a literal body. */
  public static Reply raw(int status, String contentType, byte[] body) {
    return new Reply(status, contentType, body, Map.of());
  }
}
