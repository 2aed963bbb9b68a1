package org.amtpxe.virtualamt.internal.cim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.amtpxe.api.model.MacAddress;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/**
 * AMT_EthernetPortSettings: one instance per network port AMT knows, in the hardware's order. The
 * wired port AMT shares with the host is up and carries the AMT's address; a wireless port is
 * recognised by its WLANLinkProtectionLevel. MACs are written lower case with dashes.
 */
final class EthernetPortSettings extends CimResource {
  private static final String NAME = "Intel(r) AMT Ethernet Port Settings";

  EthernetPortSettings() {
    super(Namespaces.amtClass("AMT_EthernetPortSettings"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    List<Hardware.Nic> nics = firmware.hardware().nics();
    List<CimInstance> result = new ArrayList<>(nics.size());
    boolean sharedSeen = false;
    for (int i = 0; i < nics.size(); i++) {
      Hardware.Nic nic = nics.get(i);
      String mac = MacAddress.parse(nic.mac()).hyphenated();
      CimInstance.Builder b =
          CimInstance.builder(resourceUri())
              .property("DHCPEnabled", true)
              .property("ElementName", NAME)
              .key("InstanceID", NAME + " " + i)
              .property("MACAddress", mac)
              .property("SharedMAC", true);
      if (nic.wireless()) {
        b.property("ConsoleTcpMaxRetransmissions", 5)
            .property("LinkControl", 2)
            .property("LinkIsUp", false)
            .property("LinkPreference", 2)
            .property("PhysicalConnectionType", 3)
            .property("WLANLinkProtectionLevel", 1);
      } else {
        boolean shared = !sharedSeen;
        sharedSeen = true;
        b.property("IpSyncEnabled", true)
            .property("LinkIsUp", shared)
            .property("LinkPolicy", List.of(1, 14))
            .property("PhysicalConnectionType", 0)
            .property("SharedDynamicIP", true)
            .property("SharedStaticIp", false);
        if (shared) {
          b.property("IPAddress", firmware.spec().address())
              .property("SubnetMask", "255.255.255.0");
        }
      }
      result.add(b.build());
    }
    return result;
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }
}
