package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;

/** CIM_Card: the host's base board, its vendor, model and serial number. */
final class Card extends CimResource {
  Card() {
    super(Inventory.CARD);
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    return List.of(Inventory.baseboard(firmware));
  }

  @Override
  public Set<String> keyNames() {
    return Inventory.PACKAGE_KEYS;
  }
}
