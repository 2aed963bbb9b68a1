package org.amtpxe.virtualamt.internal.cim;

import java.util.List;
import java.util.Set;
import org.amtpxe.virtualamt.Hardware;
import org.amtpxe.virtualamt.internal.firmware.AmtFirmware;
import org.amtpxe.virtualamt.internal.wsman.Namespaces;

/** AMT_GeneralSettings: the AMT's host and domain name, digest realm and network settings. */
final class GeneralSettings extends CimResource {
  private static final String ID = "Intel(r) AMT: General Settings";

  GeneralSettings() {
    super(Namespaces.amtClass("AMT_GeneralSettings"));
  }

  @Override
  public List<CimInstance> instances(AmtFirmware firmware) {
    Hardware h = firmware.hardware();
    return List.of(
        CimInstance.builder(resourceUri())
            .property("AMTNetworkEnabled", 1)
            .property("DDNSPeriodicUpdateInterval", 1440)
            .property("DDNSTTL", 900)
            .property("DDNSUpdateByDHCPServerEnabled", true)
            .property("DDNSUpdateEnabled", false)
            .property("DHCPSyncRequiresHostname", 1)
            .property("DHCPv6ConfigurationTimeout", 0)
            .property("DigestRealm", firmware.spec().realm())
            .property("DomainName", h.domainName())
            .property("ElementName", ID)
            .property("HostName", h.hostName())
            .property("HostOSFQDN", h.hostName() + "." + h.domainName())
            .property("IdleWakeTimeout", 65535)
            .key("InstanceID", ID)
            .property("NetworkInterfaceEnabled", true)
            .property("PingResponseEnabled", true)
            .property("PowerSource", 0)
            .property("PreferredAddressFamily", 0)
            .property("PresenceNotificationInterval", 0)
            .property("PrivacyLevel", 0)
            .property("RmcpPingResponseEnabled", true)
            .property("SharedFQDN", true)
            .property("ThunderboltDockEnabled", 0)
            .property("WsmanOnlyMode", false)
            .build());
  }

  @Override
  public Set<String> keyNames() {
    return Set.of("InstanceID");
  }
}
