package org.amtpxe.virtualamt.internal.cim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.dom4j.Element;

/**
 * One CIM class AMT serves: its instances and the operations it accepts. Get and Enumerate work on
 * every class unless a subclass says otherwise; Put and methods only where a subclass adds them.
 */
public abstract class CimResource {
  private final String resourceUri;

  protected CimResource(String resourceUri) {
    this.resourceUri = resourceUri;
  }

  public final String resourceUri() {
    return resourceUri;
  }

  /** The class name, the last segment of the resource URI. */
  public final String className() {
    return resourceUri.substring(resourceUri.lastIndexOf('/') + 1);
  }

  /** The instances now, in the order firmware enumerates them. */
  public abstract List<CimInstance> instances(AmtFirmware firmware);

  /** The names a header selector may use: the class keys. */
  public abstract Set<String> keyNames();

  /** True when WS-Transfer Get is served. */
  public boolean supportsGet() {
    return true;
  }

  /** True when WS-Transfer Put is served. */
  public boolean supportsPut() {
    return false;
  }

  /** The extrinsic methods the class serves. */
  public Set<String> methods() {
    return Set.of();
  }

  /**
   * Applies a Put and returns the updated instance.
   *
   * @throws WsmanFault when the body is not a valid representation
   */
  public CimInstance put(AmtFirmware firmware, CimInstance target, Element body) throws WsmanFault {
    throw new UnsupportedOperationException(className() + " does not support Put");
  }

  /**
   * Runs a method.
   *
   * @param firmware the node
   * @param method one of {@link #methods()}
   * @param target the instance the selectors named
   * @param input the {@code <method>_INPUT} element
   * @return the output parameters in order, ReturnValue first
   * @throws WsmanFault when the input cannot be read
   */
  public Map<String, String> invoke(
      AmtFirmware firmware, String method, CimInstance target, Element input) throws WsmanFault {
    throw new UnsupportedOperationException(className() + " has no method " + method);
  }

  /**
   * Runs a method whose output may repeat a parameter (an array, such as GetRecords' RecordArray).
   * By default the output of {@link #invoke}, one value per parameter.
   *
   * @return the output parameters in the order firmware writes them, each with its values
   * @throws WsmanFault when the input cannot be read
   */
  public Map<String, List<String>> invokeWithArrays(
      AmtFirmware firmware, String method, CimInstance target, Element input) throws WsmanFault {
    Map<String, List<String>> out = new LinkedHashMap<>();
    invoke(firmware, method, target, input).forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }

  /** The output of a method that returns only its ReturnValue. */
  protected static Map<String, String> returnValue(int value) {
    return Map.of("ReturnValue", Integer.toString(value));
  }
}
