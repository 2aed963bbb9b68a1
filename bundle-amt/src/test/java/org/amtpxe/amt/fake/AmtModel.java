package org.amtpxe.amt.fake;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dom4j.Document;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * The device behind the fake AMT: a host with a power state and AMT's boot configuration, with the
 * firmware's quirks (only the first boot source counts until cleared; the one-time boot setting is
 * consumed by the next boot; impossible power requests answer ReturnValue 2).
 */
public final class AmtModel {
  static final String APMS = FirmwareXml.CIM + "CIM_AssociatedPowerManagementService";
  static final String PMS = FirmwareXml.CIM + "CIM_PowerManagementService";
  static final String BOOT_CONFIG = FirmwareXml.CIM + "CIM_BootConfigSetting";
  static final String BOOT_SERVICE = FirmwareXml.CIM + "CIM_BootService";
  static final String BSD = FirmwareXml.AMT + "AMT_BootSettingData";
  static final String CAPS = FirmwareXml.AMT + "AMT_BootCapabilities";
  static final String TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer";

  static final Set<String> READ_ONLY =
      Set.of(
          "BIOSLastStatus",
          "BootguardStatus",
          "OptionsCleared",
          "UefiBootParametersArray",
          "WinREBootEnabled",
          "UEFILocalPBABootEnabled",
          "UEFIHTTPSBootEnabled",
          "SecureBootControlEnabled",
          "RPEEnabled");

  /** How the host reacts to an accepted power request. */
  public enum PowerBehaviour {
    /** The state changes at once. */
    APPLY,
    /** The request is accepted (ReturnValue 0) but nothing happens. */
    IGNORE
  }

  public volatile int powerState = 8;
  public volatile boolean osAgent = false;
  public volatile PowerBehaviour powerBehaviour = PowerBehaviour.APPLY;
  public volatile boolean biosSetupCapable = true;
  public volatile String bootSource;
  public volatile int role = 32768;
  public volatile int bootReturnValue = 0;

  /** ReturnValues to answer to the next power requests, before the model's own answer. */
  public final Deque<Integer> powerReturnValues = new ArrayDeque<>();

  /** The boot settings, in firmware order; starts with flags left over by an earlier session. */
  public final Map<String, Object> bootSettings = new LinkedHashMap<>();

  /** What the host booted from, one entry per boot. */
  public final List<String> boots = new ArrayList<>();

  /** Every operation handled, for example {@code RequestPowerStateChange 2}. */
  public final List<String> calls = new ArrayList<>();

  public AmtModel() {
    bootSettings.put("ElementName", "Intel(r) AMT Boot Configuration Settings");
    bootSettings.put("InstanceID", "Intel(r) AMT:BootSettingData 0");
    bootSettings.put("OwningEntity", "Intel(r) AMT");
    bootSettings.put("BIOSLastStatus", List.of(2, 0));
    bootSettings.put("BIOSPause", true);
    bootSettings.put("BIOSSetup", false);
    bootSettings.put("BootMediaIndex", 0);
    bootSettings.put("BootguardStatus", 127);
    bootSettings.put("ConfigurationDataReset", false);
    bootSettings.put("EnforceSecureBoot", false);
    bootSettings.put("FirmwareVerbosity", 0);
    bootSettings.put("ForcedProgressEvents", false);
    bootSettings.put("IDERBootDevice", 0);
    bootSettings.put("LockKeyboard", false);
    bootSettings.put("LockPowerButton", false);
    bootSettings.put("LockResetButton", false);
    bootSettings.put("LockSleepButton", false);
    bootSettings.put("OptionsCleared", true);
    bootSettings.put("RPEEnabled", false);
    bootSettings.put("ReflashBIOS", false);
    bootSettings.put("SecureBootControlEnabled", false);
    bootSettings.put("SecureErase", false);
    bootSettings.put("UEFIHTTPSBootEnabled", false);
    bootSettings.put("UEFILocalPBABootEnabled", false);
    bootSettings.put("UefiBootNumberOfParams", 0);
    bootSettings.put("UseIDER", true);
    bootSettings.put("UseSOL", false);
    bootSettings.put("UseSafeMode", false);
    bootSettings.put("UserPasswordBypass", false);
    bootSettings.put("WinREBootEnabled", false);
  }

  /** The power states that may be requested in the current state. */
  public synchronized List<Integer> available() {
    return switch (powerState) {
      case 2 -> osAgent ? List.of(8, 11, 10, 5, 12, 14, 4, 7) : List.of(8, 11, 10, 5);
      case 3, 4, 7 -> List.of(2, 8);
      default -> List.of(2);
    };
  }

  /** The calls whose name starts with {@code prefix}. */
  public synchronized long count(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).count();
  }

  /** A copy of the calls so far. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** Handles one authenticated request. */
  public synchronized Reply handle(Document request) {
    Element header = request.getRootElement().element(QName.get("Header", FirmwareXml.SOAP));
    String action = header.element(QName.get("Action", FirmwareXml.ADDRESSING)).getTextTrim();
    String resource = header.element(QName.get("ResourceURI", FirmwareXml.WSMAN)).getTextTrim();
    String messageId = header.element(QName.get("MessageID", FirmwareXml.ADDRESSING)).getTextTrim();
    Element body = request.getRootElement().element(QName.get("Body", FirmwareXml.SOAP));
    Element input = body.elements().isEmpty() ? null : body.elements().get(0);
    String response = action + "Response";

    if (action.equals(TRANSFER + "/Get")) {
      calls.add("Get " + className(resource));
      return switch (resource) {
        case APMS -> ok(response, messageId, powerInstance());
        case BSD -> ok(response, messageId, FirmwareXml.instance(BSD, bootSettings));
        case CAPS -> ok(response, messageId, capabilities());
        default -> unreachable(messageId);
      };
    }
    if (action.equals(TRANSFER + "/Put") && resource.equals(BSD)) {
      calls.add("Put " + className(resource));
      return put(response, messageId, input);
    }
    if (action.equals(PMS + "/RequestPowerStateChange")) {
      int requested = Integer.parseInt(child(input, PMS, "PowerState"));
      calls.add("RequestPowerStateChange " + requested);
      return ok(
          response,
          messageId,
          FirmwareXml.output(PMS, "RequestPowerStateChange", powerChange(requested)));
    }
    if (action.equals(BOOT_CONFIG + "/ChangeBootOrder")) {
      Element source = input.element(QName.get("Source", BOOT_CONFIG));
      String instance = source == null ? null : selector(source, "InstanceID");
      calls.add("ChangeBootOrder " + (instance == null ? "clear" : instance));
      int rv = bootReturnValue;
      if (rv == 0) {
        if (instance == null) {
          bootSource = null;
        } else if (bootSource == null) {
          // NOTE: the firmware honours only the first source until it is cleared.
          bootSource = instance;
        }
      }
      return ok(response, messageId, FirmwareXml.output(BOOT_CONFIG, "ChangeBootOrder", rv));
    }
    if (action.equals(BOOT_SERVICE + "/SetBootConfigRole")) {
      int requestedRole = Integer.parseInt(child(input, BOOT_SERVICE, "Role"));
      calls.add("SetBootConfigRole " + requestedRole);
      int rv = bootReturnValue;
      if (rv == 0) {
        role = requestedRole;
      }
      return ok(response, messageId, FirmwareXml.output(BOOT_SERVICE, "SetBootConfigRole", rv));
    }
    calls.add("Unknown " + action);
    return unreachable(messageId);
  }

  private Element powerInstance() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("AvailableRequestedPowerStates", available());
    fields.put("PowerState", powerState);
    fields.put("RequestedPowerState", powerState);
    return FirmwareXml.instance(APMS, fields);
  }

  private Element capabilities() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("ElementName", "Intel(r) AMT: Boot Capabilities");
    fields.put("InstanceID", "Intel(r) AMT:BootCapabilities 0");
    fields.put("BIOSPause", true);
    fields.put("BIOSSetup", biosSetupCapable);
    fields.put("ForceCDorDVDBoot", true);
    fields.put("ForceHardDriveBoot", true);
    fields.put("ForcePXEBoot", true);
    fields.put("IDER", true);
    fields.put("SOL", true);
    return FirmwareXml.instance(CAPS, fields);
  }

  private int powerChange(int requested) {
    Integer scripted = powerReturnValues.poll();
    if (scripted != null) {
      return scripted;
    }
    if (!available().contains(requested)) {
      return 2;
    }
    if (powerBehaviour == PowerBehaviour.IGNORE) {
      return 0;
    }
    int before = powerState;
    switch (requested) {
      case 2, 10, 5, 14 -> powerState = 2;
      case 8, 12 -> powerState = 8;
      case 4, 7 -> powerState = requested;
      default -> {
        // 11 (NMI) leaves the state alone
      }
    }
    boolean booted =
        (requested == 2 && before != 2) || requested == 10 || requested == 5 || requested == 14;
    if (booted) {
      boot();
    }
    return 0;
  }

  private void boot() {
    if (role == 1 && Boolean.TRUE.equals(bootSettings.get("BIOSSetup"))) {
      boots.add("BIOS setup");
    } else if (role == 1 && bootSource != null) {
      boots.add(bootSource);
    } else {
      boots.add("default");
    }
    role = 32768;
    bootSource = null;
    bootSettings.put("BIOSSetup", false);
  }

  private Reply put(String response, String messageId, Element instance) {
    if (instance == null || !instance.getName().equals("AMT_BootSettingData")) {
      return fault(
          400,
          "http://schemas.xmlsoap.org/ws/2004/09/transfer",
          "InvalidRepresentation",
          "The representation is invalid",
          null,
          messageId);
    }
    Map<String, String> sent = new LinkedHashMap<>();
    for (Element field : instance.elements()) {
      if (READ_ONLY.contains(field.getName())) {
        return fault(
            400,
            "http://schemas.xmlsoap.org/ws/2004/09/transfer",
            "InvalidRepresentation",
            "Read-only field " + field.getName(),
            "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/ReadOnly",
            messageId);
      }
      if (!bootSettings.containsKey(field.getName())) {
        return fault(
            400,
            "http://schemas.xmlsoap.org/ws/2004/09/transfer",
            "InvalidRepresentation",
            "Unknown field " + field.getName(),
            "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValues",
            messageId);
      }
      sent.put(field.getName(), field.getText());
    }
    if (!sent.containsKey("InstanceID")) {
      return fault(
          400,
          "http://schemas.xmlsoap.org/ws/2004/09/transfer",
          "InvalidRepresentation",
          "InstanceID is missing",
          "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/MissingValues",
          messageId);
    }
    sent.forEach(
        (name, value) -> {
          Object old = bootSettings.get(name);
          bootSettings.put(
              name,
              old instanceof Boolean
                  ? (Object) Boolean.parseBoolean(value)
                  : old instanceof Integer ? (Object) Integer.parseInt(value) : value);
        });
    return ok(response, messageId, FirmwareXml.instance(BSD, bootSettings));
  }

  private static Reply ok(String action, String messageId, Element content) {
    return Reply.soap(200, FirmwareXml.envelope(action, messageId, content));
  }

  /** A fault reply as firmware sends it. */
  public static Reply fault(
      int status, String subNs, String subLocal, String reason, String detail, String messageId) {
    return Reply.soap(
        status,
        FirmwareXml.envelope(
            "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault",
            messageId,
            FirmwareXml.fault("Sender", subNs, subLocal, reason, detail)));
  }

  private static Reply unreachable(String messageId) {
    return fault(
        400,
        FirmwareXml.ADDRESSING,
        "DestinationUnreachable",
        "No route can be determined to reach the destination role defined by the WS-Addressing"
            + " To.",
        null,
        messageId);
  }

  private static String child(Element input, String ns, String name) {
    return input.element(QName.get(name, ns)).getTextTrim();
  }

  private static String selector(Element reference, String name) {
    Element parameters =
        reference.element(QName.get("ReferenceParameters", FirmwareXml.ADDRESSING));
    Element set = parameters.element(QName.get("SelectorSet", FirmwareXml.WSMAN));
    for (Element selector : set.elements(QName.get("Selector", FirmwareXml.WSMAN))) {
      if (name.equals(selector.attributeValue("Name"))) {
        return selector.getTextTrim();
      }
    }
    return null;
  }

  private static String className(String resource) {
    return resource.substring(resource.lastIndexOf('/') + 1);
  }
}
