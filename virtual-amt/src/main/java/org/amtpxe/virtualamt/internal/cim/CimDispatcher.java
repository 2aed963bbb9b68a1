package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.amtpxe.virtualamt.Switches;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.EnumerationContexts;
import org.amtpxe.virtualamt.internal.wsman.EnumerationContexts.Context;
import org.amtpxe.virtualamt.internal.wsman.EnumerationContexts.Mode;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;
import org.amtpxe.virtualamt.internal.wsman.ReplyEnvelope;
import org.amtpxe.virtualamt.internal.wsman.RequestEnvelope;
import org.amtpxe.virtualamt.internal.wsman.WsmanFault;
import org.amtpxe.virtualamt.internal.wsman.Xml;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;

/**
 * Serves one WS-Man request against a virtual AMT: checks the headers, finds the CIM class and
 * instance, runs the operation and writes the reply or the fault firmware would send.
 */
public final class CimDispatcher {

  /**
   * The outcome of a request.
   *
   * @param reply the envelope to send
   * @param fault the fault sent, or null
   * @param operation the operation name for the request log
   * @param className the class addressed, or {@code -}
   * @param outcome {@code ok}, {@code ReturnValue=<n>} or {@code fault:<subcode>}
   */
  public record Result(
      ReplyEnvelope reply, WsmanFault fault, String operation, String className, String outcome) {}

  private static final int MIN_ENVELOPE_SIZE = 50_000;

  private static final Set<String> KNOWN_HEADERS =
      Set.of(
          key(Namespaces.ADDRESSING, "Action"),
          key(Namespaces.ADDRESSING, "To"),
          key(Namespaces.ADDRESSING, "MessageID"),
          key(Namespaces.ADDRESSING, "ReplyTo"),
          key(Namespaces.ADDRESSING, "FaultTo"),
          key(Namespaces.ADDRESSING, "From"),
          key(Namespaces.WSMAN, "ResourceURI"),
          key(Namespaces.WSMAN, "SelectorSet"),
          key(Namespaces.WSMAN, "OperationTimeout"),
          key(Namespaces.WSMAN, "MaxEnvelopeSize"),
          key(Namespaces.WSMAN, "Locale"),
          key(Namespaces.WSMAN, "DataLocale"),
          key(Namespaces.WSMAN, "OptionSet"));

  private final Map<String, CimResource> resources = new LinkedHashMap<>();

  /** A dispatcher serving every class the emulator implements. */
  public CimDispatcher() {
    for (CimResource r :
        List.of(
            new AssociatedPowerManagementService(),
            new ServiceAvailableToElement(),
            new PowerManagementService(),
            new PowerManagementCapabilities(),
            new BootCapabilities(),
            new BootSettingData(),
            new BootSourceSetting(),
            new BootConfigSetting(),
            new BootService(),
            new ComputerSystemPackage(),
            new Chassis(),
            new Card(),
            new PhysicalPackage(),
            new BiosElement(),
            new Processor(),
            new Chip(),
            new PhysicalMemory(),
            new MediaAccessDevice(),
            new EthernetPortSettings(),
            new GeneralSettings(),
            new RedirectionService(),
            new SoftwareIdentity(),
            new MessageLog())) {
      resources.put(r.resourceUri(), r);
    }
  }

  /** The resource URIs served. */
  public Set<String> resourceUris() {
    return resources.keySet();
  }

  /**
   * Serves a request body.
   *
   * @param body the HTTP body
   * @param firmware the node's state
   * @param enumerations the node's open enumerations
   * @param messageIds gives each reply its MessageID
   * @return the reply (or fault) to send
   */
  public Result handle(
      byte[] body,
      AmtFirmware firmware,
      EnumerationContexts enumerations,
      Supplier<String> messageIds) {
    RequestEnvelope request;
    try {
      request = RequestEnvelope.parse(body);
    } catch (WsmanFault fault) {
      return faultResult(fault, null, messageIds, "-", "-");
    }
    String operation = operationName(request.action(), request.resourceUri());
    String className = className(request.resourceUri());
    try {
      return serve(request, firmware, enumerations, messageIds, operation, className);
    } catch (WsmanFault fault) {
      return faultResult(fault, request.messageId(), messageIds, operation, className);
    }
  }

  /**
   * Answers a request with a fault without serving it (the node is busy, or an error is injected);
   * the fault still relates to the request's MessageID when the request can be read.
   */
  public Result fault(byte[] body, WsmanFault fault, Supplier<String> messageIds) {
    try {
      RequestEnvelope request = RequestEnvelope.parse(body);
      return faultResult(
          fault,
          request.messageId(),
          messageIds,
          operationName(request.action(), request.resourceUri()),
          className(request.resourceUri()));
    } catch (WsmanFault unreadable) {
      return faultResult(fault, null, messageIds, "-", "-");
    }
  }

  private Result serve(
      RequestEnvelope request,
      AmtFirmware firmware,
      EnumerationContexts enumerations,
      Supplier<String> messageIds,
      String operation,
      String className)
      throws WsmanFault {
    checkHeaders(request);
    CimResource resource = resources.get(request.resourceUri());
    if (resource == null || firmware.switches().unsupportedClasses().contains(className)) {
      // NOTE: firmware without a class answers as for any unknown resource URI
      // (docs/amt-wsman.md#faults).
      throw WsmanFault.unknownResource();
    }
    Map<String, String> selectors = selectors(request, resource);
    String action = request.action();
    String replyAction = action + "Response";
    String relatesTo = request.messageId();
    String uri = request.resourceUri();
    ReplyEnvelope reply;
    String outcome = "ok";
    switch (action) {
      case Namespaces.ACTION_GET:
        if (!resource.supportsGet()) {
          throw WsmanFault.actionNotSupported(action);
        }
        reply = ReplyEnvelope.create(replyAction, relatesTo, uri, messageIds.get(), uri, null);
        select(resource, firmware, selectors).writeInto(reply.body(), reply.g());
        break;
      case Namespaces.ACTION_PUT:
        if (!resource.supportsPut()) {
          throw WsmanFault.actionNotSupported(action);
        }
        CimInstance updated =
            resource.put(firmware, select(resource, firmware, selectors), request.payload());
        reply = ReplyEnvelope.create(replyAction, relatesTo, uri, messageIds.get(), uri, null);
        updated.writeInto(reply.body(), reply.g());
        break;
      case Namespaces.ACTION_ENUMERATE:
        reply = enumerate(request, resource, firmware, enumerations, messageIds.get());
        break;
      case Namespaces.ACTION_PULL:
        reply = pull(request, resource, firmware, enumerations, messageIds.get());
        break;
      case Namespaces.ACTION_RELEASE:
        String id = Xml.childText(request.payload(), Namespaces.ENUMERATION, "EnumerationContext");
        if (id == null || !enumerations.release(id)) {
          throw WsmanFault.invalidEnumerationContext();
        }
        reply =
            ReplyEnvelope.create(
                replyAction, relatesTo, uri, messageIds.get(), Namespaces.ENUMERATION, null);
        break;
      default:
        String method = methodName(action, uri);
        if (method == null || !resource.methods().contains(method)) {
          throw WsmanFault.actionNotSupported(action);
        }
        Element input = request.payload();
        if (!Xml.is(input, uri, method + "_INPUT")) {
          throw WsmanFault.invalidParameter(
              "InvalidName", "the body must be " + method + "_INPUT in the namespace " + uri);
        }
        CimInstance target = select(resource, firmware, selectors);
        Map<String, List<String>> output =
            resource.invokeWithArrays(firmware, method, target, input);
        reply = ReplyEnvelope.create(replyAction, relatesTo, uri, messageIds.get(), uri, null);
        Element out = reply.body().addElement(QName.get(method + "_OUTPUT", reply.g()));
        for (Map.Entry<String, List<String>> e : output.entrySet()) {
          for (String value : e.getValue()) {
            out.addElement(QName.get(e.getKey(), reply.g())).setText(value);
          }
        }
        outcome = "ReturnValue=" + String.join(",", output.getOrDefault("ReturnValue", List.of()));
        break;
    }
    return new Result(reply, null, operation, className, outcome);
  }

  private static void checkHeaders(RequestEnvelope request) throws WsmanFault {
    for (Element h : request.headers()) {
      boolean known = KNOWN_HEADERS.contains(key(h.getNamespaceURI(), h.getName()));
      boolean mustUnderstand = Xml.mustUnderstand(h);
      if (!known && mustUnderstand) {
        throw WsmanFault.mustUnderstand(h.getNamespaceURI(), h.getName());
      }
      if (mustUnderstand && Xml.is(h, Namespaces.WSMAN, "OptionSet")) {
        // NOTE: AMT faults on an OptionSet marked mustUnderstand (docs/amt-wsman.md#envelope).
        throw WsmanFault.unsupportedFeature("OptionSet");
      }
    }
    if (request.messageId() == null || request.messageId().isEmpty()) {
      throw WsmanFault.headerRequired("MessageID");
    }
    if (request.action() == null || request.action().isEmpty()) {
      throw WsmanFault.headerRequired("Action");
    }
    String replyTo = request.replyTo();
    if (replyTo != null && !Namespaces.ANONYMOUS.equals(replyTo)) {
      throw WsmanFault.unsupportedFeature("AddressingMode");
    }
    String maxEnvelope = request.maxEnvelopeSize();
    if (maxEnvelope != null) {
      long size;
      try {
        size = Long.parseLong(maxEnvelope);
      } catch (NumberFormatException e) {
        throw WsmanFault.encodingLimit("MaxEnvelopeSize");
      }
      if (size < MIN_ENVELOPE_SIZE) {
        throw WsmanFault.encodingLimit("MinimumEnvelopeLimit");
      }
    }
    if (request.resourceUri() == null || request.resourceUri().isEmpty()) {
      throw WsmanFault.unknownResource();
    }
  }

  private static Map<String, String> selectors(RequestEnvelope request, CimResource resource)
      throws WsmanFault {
    Map<String, String> result = new LinkedHashMap<>();
    for (RequestEnvelope.Selector s : request.selectors()) {
      if (s.name() == null) {
        throw WsmanFault.invalidSelectors("UnexpectedSelectors");
      }
      if (s.reference()) {
        throw WsmanFault.invalidSelectors("TypeMismatch");
      }
      if (result.put(s.name(), s.value()) != null) {
        throw WsmanFault.invalidSelectors("DuplicateSelectors");
      }
      if (!resource.keyNames().contains(s.name())) {
        throw WsmanFault.invalidSelectors("UnexpectedSelectors");
      }
    }
    return result;
  }

  private static CimInstance select(
      CimResource resource, AmtFirmware firmware, Map<String, String> selectors) throws WsmanFault {
    List<CimInstance> instances = instances(resource, firmware);
    if (selectors.isEmpty()) {
      if (instances.size() == 1) {
        return instances.get(0);
      }
      throw WsmanFault.invalidSelectors("InsufficientSelectors");
    }
    List<CimInstance> matching = new ArrayList<>();
    for (CimInstance i : instances) {
      if (i.matches(selectors)) {
        matching.add(i);
      }
    }
    if (matching.isEmpty()) {
      throw WsmanFault.noSuchInstance();
    }
    if (matching.size() > 1) {
      throw WsmanFault.invalidSelectors("AmbiguousSelectors");
    }
    return matching.get(0);
  }

  /** The instances as this firmware writes them: without the properties it omits. */
  private static List<CimInstance> instances(CimResource resource, AmtFirmware firmware) {
    List<CimInstance> all = resource.instances(firmware);
    Switches switches = firmware.switches();
    if (switches.omittedProperties().isEmpty()) {
      return all;
    }
    List<CimInstance> result = new ArrayList<>(all.size());
    for (CimInstance i : all) {
      result.add(i.without(p -> switches.omits(i.className(), p)));
    }
    return result;
  }

  private static ReplyEnvelope enumerate(
      RequestEnvelope request,
      CimResource resource,
      AmtFirmware firmware,
      EnumerationContexts enumerations,
      String messageId)
      throws WsmanFault {
    Element enumerate = request.payload();
    if (!Xml.is(enumerate, Namespaces.ENUMERATION, "Enumerate")) {
      throw WsmanFault.schemaValidation("the body of an Enumerate must be wsen:Enumerate");
    }
    if (Xml.child(enumerate, Namespaces.WSMAN, "Filter") != null
        || Xml.child(enumerate, Namespaces.ENUMERATION, "Filter") != null) {
      throw WsmanFault.filteringNotSupported();
    }
    Mode mode = mode(Xml.childText(enumerate, Namespaces.WSMAN, "EnumerationMode"));
    boolean optimize = Xml.child(enumerate, Namespaces.WSMAN, "OptimizeEnumeration") != null;
    Context context = enumerations.open(request.resourceUri(), mode);
    List<CimInstance> instances = instances(resource, firmware);
    String itemNamespace = optimize && !instances.isEmpty() ? instances.get(0).resourceUri() : null;
    ReplyEnvelope reply =
        ReplyEnvelope.create(
            request.action() + "Response",
            request.messageId(),
            request.resourceUri(),
            messageId,
            Namespaces.ENUMERATION,
            itemNamespace);
    Element response = reply.body().addElement(QName.get("EnumerateResponse", reply.g()));
    response.addElement(QName.get("EnumerationContext", reply.g())).setText(context.id());
    if (optimize) {
      int max = maxElements(Xml.childText(enumerate, Namespaces.WSMAN, "MaxElements"));
      int end = Math.min(instances.size(), max);
      Element items = response.addElement(QName.get("Items", ReplyEnvelope.C));
      writeItems(items, instances.subList(0, end), mode, reply.h());
      if (end == instances.size()) {
        response.addElement(QName.get("EndOfSequence", ReplyEnvelope.C));
        enumerations.release(context.id());
      } else {
        enumerations.advance(context.id(), end);
      }
    }
    return reply;
  }

  private static ReplyEnvelope pull(
      RequestEnvelope request,
      CimResource resource,
      AmtFirmware firmware,
      EnumerationContexts enumerations,
      String messageId)
      throws WsmanFault {
    Element pull = request.payload();
    if (!Xml.is(pull, Namespaces.ENUMERATION, "Pull")) {
      throw WsmanFault.schemaValidation("the body of a Pull must be wsen:Pull");
    }
    String id = Xml.childText(pull, Namespaces.ENUMERATION, "EnumerationContext");
    Optional<Context> found = id == null ? Optional.empty() : enumerations.get(id);
    if (found.isEmpty() || !found.get().resourceUri().equals(request.resourceUri())) {
      throw WsmanFault.invalidEnumerationContext();
    }
    Context context = found.get();
    int max = maxElements(Xml.childText(pull, Namespaces.ENUMERATION, "MaxElements"));
    List<CimInstance> instances = instances(resource, firmware);
    int start = Math.min(context.position(), instances.size());
    int end = Math.min(instances.size(), start + max);
    String itemNamespace = instances.isEmpty() ? null : instances.get(0).resourceUri();
    ReplyEnvelope reply =
        ReplyEnvelope.create(
            request.action() + "Response",
            request.messageId(),
            request.resourceUri(),
            messageId,
            Namespaces.ENUMERATION,
            itemNamespace);
    Element response = reply.body().addElement(QName.get("PullResponse", reply.g()));
    if (end < instances.size()) {
      response.addElement(QName.get("EnumerationContext", reply.g())).setText(context.id());
    }
    Element items = response.addElement(QName.get("Items", reply.g()));
    writeItems(items, instances.subList(start, end), context.mode(), reply.h());
    if (end >= instances.size()) {
      response.addElement(QName.get("EndOfSequence", reply.g()));
      enumerations.release(context.id());
    } else {
      enumerations.advance(context.id(), end);
    }
    return reply;
  }

  private static void writeItems(
      Element items, List<CimInstance> instances, Mode mode, Namespace classNamespace) {
    for (CimInstance instance : instances) {
      switch (mode) {
        case EPR:
          instance
              .epr()
              .writeInto(items.addElement(QName.get("EndpointReference", ReplyEnvelope.B)));
          break;
        case OBJECT_AND_EPR:
          Element item = items.addElement(QName.get("Item", ReplyEnvelope.C));
          instance.writeInto(item, classNamespace);
          instance
              .epr()
              .writeInto(item.addElement(QName.get("EndpointReference", ReplyEnvelope.B)));
          break;
        default:
          instance.writeInto(items, classNamespace);
          break;
      }
    }
  }

  private static Mode mode(String value) throws WsmanFault {
    if (value == null) {
      return Mode.OBJECT;
    }
    switch (value) {
      case "EnumerateEPR":
        return Mode.EPR;
      case "EnumerateObjectAndEPR":
        return Mode.OBJECT_AND_EPR;
      default:
        throw WsmanFault.unsupportedFeature("EnumerationMode");
    }
  }

  private static int maxElements(String value) throws WsmanFault {
    if (value == null) {
      return 1;
    }
    try {
      int max = Integer.parseInt(value);
      if (max > 0) {
        return max;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw WsmanFault.unsupportedFeature("MaxElements");
  }

  private static String methodName(String action, String resourceUri) {
    String prefix = resourceUri + "/";
    if (!action.startsWith(prefix)) {
      return null;
    }
    String rest = action.substring(prefix.length());
    return rest.isEmpty() || rest.contains("/") ? null : rest;
  }

  private static Result faultResult(
      WsmanFault fault,
      String relatesTo,
      Supplier<String> messageIds,
      String operation,
      String className) {
    return new Result(
        ReplyEnvelope.fault(fault, relatesTo, messageIds.get()),
        fault,
        operation,
        className,
        "fault:" + fault.shortName());
  }

  /** A short operation name for the request log: Get, Pull, RequestPowerStateChange... */
  static String operationName(String action, String resourceUri) {
    if (action == null || action.isEmpty()) {
      return "-";
    }
    String name = action.substring(action.lastIndexOf('/') + 1);
    return name.isEmpty() ? "-" : name;
  }

  private static String className(String resourceUri) {
    if (resourceUri == null || resourceUri.isEmpty()) {
      return "-";
    }
    return resourceUri.substring(resourceUri.lastIndexOf('/') + 1);
  }

  private static String key(String namespace, String localName) {
    return namespace + "|" + localName;
  }
}
