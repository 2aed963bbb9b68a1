package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.firmware.BootSource;
import org.amtpxe.virtualamt.internal.wsman.Epr;
import org.dom4j.Element;

/** CIM_BootConfigSetting: ChangeBootOrder sets or clears the one-time boot source. */
final class BootConfigSetting extends CimResource {
  static final String METHOD = "ChangeBootOrder";
  private static final int INVALID_REFERENCE = 4;
  private static final int INVALID_PARAMETER = 5;

  BootConfigSetting() {
    super(CimNames.BOOT_CONFIG_SETTING);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(
        CimInstance.builder(resourceUri())
            .key("InstanceID", CimNames.BOOT_CONFIG_ID)
            .property("ElementName", "Intel(r) AMT: Boot Configuration")
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }

  @Override
  public Set<String> methods() {
    return Set.of(METHOD);
  }

  @Override
  public Map<String, String> invoke(
      AmtFirmware firmware, String method, CimInstance target, Element input) {
    MethodInput in = new MethodInput(input, resourceUri());
    if (in.isEmpty()) {
      // NOTE: an empty ChangeBootOrder_INPUT clears the source (MeshCommander sends it first).
      return returnValue(firmware.boot().changeBootOrder(List.of()));
    }
    List<Epr> refs = in.references("Source");
    if (refs.isEmpty()) {
      return returnValue(INVALID_PARAMETER);
    }
    List<BootSource> sources = new ArrayList<>();
    for (Epr ref : refs) {
      Optional<BootSource> source = resolve(ref);
      if (source.isEmpty()) {
        return returnValue(INVALID_REFERENCE);
      }
      sources.add(source.get());
    }
    return returnValue(firmware.boot().changeBootOrder(sources));
  }

  private static Optional<BootSource> resolve(Epr ref) {
    if (ref == null || !CimNames.BOOT_SOURCE_SETTING.equals(ref.resourceUri())) {
      return Optional.empty();
    }
    String id = ref.selectors().get("InstanceID");
    return id == null ? Optional.empty() : BootSource.byInstanceId(id);
  }
}
