package org.amtpxe.pxe.internal.config;

import org.amtpxe.api.config.TypedConfig;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The configuration of network boot, the PXE deploy and the pxe_amt driver, PID {@value #PID}.
 *
 * <p>This interface is the only place a key's type and default are written: {@link TypedConfig}
 * reads the raw properties as it declares them, {@link PxeSettings#from} checks ranges and
 * combinations, the shipped {@code src/main/cfg/org.amtpxe.pxe.cfg} and the README's table are
 * checked against it by {@code ShippedConfigTest}. Method names double the underscore because the
 * metatype and DS turn a single {@code _} into {@code .}: {@code tftp__port()} is the key {@code
 * tftp_port}, Ironic's spelling.
 */
@ObjectClassDefinition(
    id = PxeConfig.PID,
    name = "amtpxe PXE deploy",
    description = "TFTP and HTTP boot servers, boot configuration, image cache and deploy options.")
public @interface PxeConfig {

  /** The configuration PID, file etc/org.amtpxe.pxe.cfg. */
  String PID = "org.amtpxe.pxe";

  @AttributeDefinition(
      name = "TFTP enabled",
      description =
          "Run the built-in TFTP server. Turn off when dnsmasq or tftpd-hpa serves tftp_root.")
  boolean tftp__enabled() default true;

  @AttributeDefinition(
      name = "TFTP address",
      description = "IPv4 address the TFTP server listens on; 0.0.0.0 for every interface.")
  String tftp__address() default "0.0.0.0";

  @AttributeDefinition(
      name = "TFTP port",
      description =
          "UDP port of the TFTP server. Firmware always asks port 69: set 69 in production and give"
              + " the JVM CAP_NET_BIND_SERVICE. The default works unprivileged.")
  int tftp__port() default 6969;

  @AttributeDefinition(
      name = "TFTP root",
      description =
          "Directory served over TFTP (boot loaders, per-node folders, pxelinux.cfg). Empty:"
              + " ${karaf.data}/amtpxe/tftpboot.")
  String tftp__root() default "";

  @AttributeDefinition(
      name = "TFTP largest block size",
      description = "Largest blksize (RFC 2348) granted to a client, 8 to 65464.")
  int tftp__max__block__size() default 1468;

  @AttributeDefinition(
      name = "TFTP largest window",
      description = "Largest windowsize (RFC 7440) granted to a client, 1 to 64.")
  int tftp__max__window__size() default 16;

  @AttributeDefinition(
      name = "TFTP retransmission timeout (ms)",
      description =
          "Wait for an ACK before sending again, unless the client negotiates a timeout (10 to"
              + " 255000, at most tftp_max_timeout_seconds).")
  int tftp__timeout__ms() default 1000;

  @AttributeDefinition(
      name = "TFTP longest negotiated timeout (s)",
      description =
          "Longest RFC 2349 timeout granted to a client, 1 to 255. A client asking more is not"
              + " granted its timeout (it is left out of the OACK) and tftp_timeout_ms applies.")
  int tftp__max__timeout__seconds() default 5;

  @AttributeDefinition(
      name = "TFTP retries",
      description = "Retransmissions of one packet before the transfer is abandoned.")
  int tftp__retries() default 5;

  @AttributeDefinition(
      name = "TFTP transfer lifetime (s)",
      description =
          "Longest time one transfer may take, 10 to 86400; then it is abandoned with an error to"
              + " the client. 300 s carries a 60 MB initrd in 512-byte blocks at 200 kB/s; raise"
              + " it for larger files or slower clients.")
  int tftp__transfer__lifetime__seconds() default 300;

  @AttributeDefinition(
      name = "TFTP concurrent transfers",
      description = "Transfers served at once; further requests get a 'server busy' error.")
  int tftp__max__transfers() default 64;

  @AttributeDefinition(
      name = "TFTP concurrent transfers per client",
      description =
          "Transfers served at once to one client address, 1 to 10000; further requests from that"
              + " address get a 'too many transfers from your address' error.")
  int tftp__max__transfers__per__client() default 8;

  @AttributeDefinition(
      name = "HTTP enabled",
      description = "Run the built-in HTTP server for iPXE scripts, kernels and images.")
  boolean http__enabled() default true;

  @AttributeDefinition(
      name = "HTTP address",
      description = "Address the HTTP boot server listens on; 0.0.0.0 for every interface.")
  String http__address() default "0.0.0.0";

  @AttributeDefinition(name = "HTTP port", description = "TCP port of the HTTP boot server.")
  int http__port() default 8080;

  @AttributeDefinition(
      name = "HTTP root",
      description = "Directory served over HTTP. Empty: the same directory as tftp_root.")
  String http__root() default "";

  @AttributeDefinition(
      name = "HTTP URL",
      description =
          "The URL under which nodes reach http_root, e.g. http://192.168.77.1:8080. Empty:"
              + " http://<http_address>:<http_port> when http_address is not a wildcard.")
  String http__url() default "";

  @AttributeDefinition(
      name = "API URL",
      description =
          "The URL under which the deploy ramdisk reaches the conductor's REST API, e.g."
              + " http://192.168.77.1:6385. Required for deploys.")
  String api__url() default "";

  @AttributeDefinition(
      name = "dnsmasq hosts folder",
      description =
          "A folder dnsmasq reads with --dhcp-hostsdir: each node's MAC gets a file there tagging it"
              + " with this conductor while this conductor serves its boot. Empty: no DHCP entries"
              + " are written. Set together with dhcp_optsdir.")
  String dhcp__hostsdir() default "";

  @AttributeDefinition(
      name = "dnsmasq options folder",
      description =
          "A folder dnsmasq reads with --dhcp-optsdir: this conductor's file there gives iPXE of"
              + " its nodes http_url/boot.ipxe. Empty: none. Set together with dhcp_hostsdir.")
  String dhcp__optsdir() default "";

  @AttributeDefinition(
      name = "Image cache directory",
      description =
          "Master copies of images, hard-linked into the roots: must be on the same filesystem."
              + " Empty: ${karaf.data}/amtpxe/master_images.")
  String image__cache__dir() default "";

  @AttributeDefinition(
      name = "Image cache size (MiB)",
      description = "Unused master images are evicted, oldest first, above this size.")
  long image__cache__size__mb() default 20480;

  @AttributeDefinition(
      name = "Image cache TTL (minutes)",
      description = "Unused master images older than this are evicted.")
  long image__cache__ttl__minutes() default 10080;

  @AttributeDefinition(
      name = "Image download timeout (s)",
      description =
          "Longest time one image download may take, from connecting to its last byte; a download"
              + " still running then is stopped and deleted.")
  int image__download__timeout__seconds() default 1800;

  @AttributeDefinition(
      name = "Default boot mode",
      description = "Boot mode of nodes whose capabilities do not name one.",
      options = {@Option(label = "BIOS", value = "bios"), @Option(label = "UEFI", value = "uefi")})
  String default__boot__mode() default "bios";

  @AttributeDefinition(
      name = "Kernel parameters",
      description =
          "Appended to the deploy ramdisk's and the netbooted instance's kernel command line,"
              + " e.g. console=ttyS0.")
  String pxe__append__params() default "nofb nomodeset vga=normal";

  @AttributeDefinition(
      name = "Disk devices",
      description =
          "Comma-separated disks the ramdisk tries, first found wins, unless the node's"
              + " instance_info.root_device names one.")
  String disk__devices() default "cciss/c0d0,sda,hda,vda";

  @AttributeDefinition(
      name = "Ramdisk notify port",
      description = "TCP port on which the deploy ramdisk waits for 'done' before rebooting.")
  int notify__port() default 10000;

  @AttributeDefinition(
      name = "Ramdisk notify timeout (s)",
      description = "How long to keep trying to reach the ramdisk's notify port.")
  int notify__timeout__seconds() default 30;

  @AttributeDefinition(
      name = "Re-arm PXE before the ramdisk reboots (test only)",
      description =
          "Call ensure_next_boot_device(pxe) before letting a netboot node's ramdisk reboot, as"
              + " AMT forgets its one-time boot device. Only tests that prove the hook is needed"
              + " turn this off.")
  boolean rearm__before__reboot() default true;

  @AttributeDefinition(
      name = "Wait for the AMT driver (s)",
      description =
          "While the AMT driver bundle is missing (bundle:update, restart), pxe_amt power and"
              + " management calls wait this long after it went away for it to come back before"
              + " failing as unavailable (0-600). Keep it longer than bundle-amt's drain_timeout.")
  int amt__wait() default 40;

  // Image sources: where local images may come from, which hosts, how large.

  @AttributeDefinition(
      name = "Image directories",
      description =
          "Comma-separated absolute directories that local images (absolute paths and file: URIs"
              + " in driver_info/instance_info) may be read from; ${karaf.data} is Karaf's data"
              + " directory. Empty: local images are refused. The boot roots, the image cache,"
              + " Karaf's data directory (except ${karaf.data}/amtpxe/images) and etc directory,"
              + " /dev, /proc, /sys, /boot, /etc and /run are never read.")
  String image__dirs() default "${karaf.data}/amtpxe/images";

  @AttributeDefinition(
      name = "Allowed image hosts",
      description =
          "Comma-separated hosts http(s) images and their redirects may come from: names, IP"
              + " addresses, or *.example.org for any host below example.org. Empty: any host.")
  String image__url__allowed__hosts() default "";

  @AttributeDefinition(
      name = "Largest image (MiB)",
      description =
          "Images above this size are refused: a larger declared Content-Length before reading,"
              + " a longer body when it gets there (1 to 16777216).")
  long image__max__size__mb() default 65536;

  // HTTP boot server TLS.

  @AttributeDefinition(
      name = "HTTP TLS keystore",
      description =
          "Absolute path of a PKCS12 keystore with the HTTP boot server's private key and"
              + " certificate: the server then speaks HTTPS only, and http_url defaults to"
              + " https://. iPXE and the deploy ramdisk must support HTTPS and trust the"
              + " certificate. Empty: plain HTTP.")
  String http__tls__keystore() default "";

  @AttributeDefinition(
      name = "HTTP TLS keystore password",
      type = AttributeType.PASSWORD,
      description = "Password of http_tls_keystore and its key. Never logged.")
  String http__tls__keystore__password() default "";
}
