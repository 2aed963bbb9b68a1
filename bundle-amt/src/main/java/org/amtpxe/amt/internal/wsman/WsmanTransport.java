package org.amtpxe.amt.internal.wsman;

import org.amtpxe.api.error.DriverException;
import org.dom4j.Document;

/** Sends WS-Management requests to one AMT and returns the reply envelopes. */
@FunctionalInterface
public interface WsmanTransport {

  /**
   * Sends one request.
   *
   * @param request the request
   * @return the reply envelope, which carries no SOAP fault
   * @throws org.amtpxe.api.error.ConnectionFailedException when the AMT cannot be reached
   * @throws org.amtpxe.api.error.AuthenticationFailedException when it refuses the credentials
   * @throws org.amtpxe.api.error.DeviceTimeoutException when it does not answer in time
   * @throws org.amtpxe.api.error.OperationFailedException for a fault or an HTTP error status
   * @throws org.amtpxe.api.error.DeviceCommunicationException for a reply that cannot be used
   * @throws DriverException for any other failure
   */
  Document send(WsmanRequest request) throws DriverException;
}
