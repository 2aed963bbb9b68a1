package org.amtpxe.conductor.internal;

import org.amtpxe.api.config.TypedConfig;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the conductor, PID {@value #PID}.
 *
 * <p>This interface is the only place a key's type and default are written: {@link TypedConfig}
 * reads the raw properties as it declares them, {@link ConductorSettings#from} checks ranges and
 * combinations, the shipped {@code src/main/cfg/org.amtpxe.conductor.cfg} and the README's table
 * are checked against it by {@code ShippedConfigTest}. Method names double the underscore because
 * the metatype and DS turn a single {@code _} into {@code .}: {@code api__port()} is the key {@code
 * api_port}, Ironic's spelling.
 */
@ObjectClassDefinition(
    id = ConductorConfig.PID,
    name = "amtpxe conductor",
    description = "Database, REST API, locks, power sync and deploy timeouts of the conductor.")
public @interface ConductorConfig {
  /** The configuration PID, file etc/org.amtpxe.conductor.cfg. */
  String PID = "org.amtpxe.conductor";

  @AttributeDefinition(
      name = "API address",
      description =
          "Address the Ironic-compatible REST API binds; not empty. Without credentials only on"
              + " loopback: any other address needs auth_file or another auth_realm.")
  String api__host() default "127.0.0.1";

  @AttributeDefinition(
      name = "API port",
      description = "TCP port of the REST API, 1 to 65535; 0 picks any free port.")
  int api__port() default 6385;

  @AttributeDefinition(
      name = "API request threads",
      description = "Threads serving HTTP requests, 8 or more.")
  int api__threads() default 32;

  @AttributeDefinition(
      name = "API request body deadline (s)",
      description =
          "Seconds a request body may take to arrive after its headers, 1 to 3600; a slower"
              + " client gets 408 and its connection is closed.")
  int api__body__timeout__seconds() default 10;

  @AttributeDefinition(
      name = "API connections",
      description =
          "Connections the API keeps open at once, 1 or more; further clients wait to be"
              + " accepted.")
  int api__max__connections() default 256;

  @AttributeDefinition(
      name = "Ramdisk port",
      description =
          "A second, plain-HTTP port on api_host that serves only the deploy ramdisk's lookup and"
              + " callback (and the version documents), for when the API itself is HTTPS: the"
              + " reference ramdisk cannot verify a certificate. Point the PXE deploy's api_url at"
              + " it. Empty: none; otherwise a TCP port, 1 to 65535, or 0 for any free port.")
  String api__ramdisk__port() default "";

  @AttributeDefinition(
      name = "API TLS keystore",
      description =
          "PKCS12 keystore with the API's certificate and private key; relative paths are under"
              + " ${karaf.etc}. Empty: plain HTTP (then HTTP Basic credentials are refused unless"
              + " api_host is a loopback address). It must exist unless api_tls_generate is"
              + " true.")
  String api__tls__keystore() default "";

  @AttributeDefinition(
      name = "API TLS keystore password",
      description =
          "Password of api_tls_keystore, required with it; at least 6 characters for a generated"
              + " keystore.",
      type = AttributeType.PASSWORD)
  String api__tls__keystore__password() default "";

  @AttributeDefinition(
      name = "Generate the API certificate",
      description =
          "When api_tls_keystore does not exist, create it on start with a self-signed"
              + " certificate for this host name and api_host (its SHA-256 fingerprint is logged"
              + " and written to <keystore>.sha256). Needs api_tls_keystore.")
  boolean api__tls__generate() default false;

  @AttributeDefinition(
      name = "Credentials file",
      description =
          "File of API users with PBKDF2 password hashes and roles (admin, member, reader; add"
              + " users with baremetal:user-add), read by the amtpxe realm. Empty with auth_realm"
              + " amtpxe: no authentication, allowed only when api_host is a loopback address.")
  String auth__file() default "";

  @AttributeDefinition(
      name = "JAAS realm",
      description =
          "The JAAS realm that checks API users: amtpxe (the credentials file, auth_file) or any"
              + " realm configured in Karaf (karaf for etc/users.properties, an LDAP or JDBC"
              + " realm). Role principals named admin, member and reader give the roles. A name of 1 to"
              + " 64 letters, digits, '.', '_' and '-'.")
  String auth__realm() default "amtpxe";

  @AttributeDefinition(
      name = "Credential cache (s)",
      description =
          "How long a verified user and password are remembered, so that PBKDF2 or LDAP is not"
              + " asked on every request, 0 to 3600; 0: never. A changed password is honoured after"
              + " it.")
  int auth__cache__seconds() default 60;

  @AttributeDefinition(
      name = "Database URL",
      description =
          "jdbc:h2:... or jdbc:postgresql://host:port/db. Empty: an H2 file in"
              + " ${karaf.data}/amtpxe/conductor (with WRITE_DELAY=0).")
  String db__url() default "";

  @AttributeDefinition(name = "Database user")
  String db__user() default "sa";

  @AttributeDefinition(name = "Database password", type = AttributeType.PASSWORD)
  String db__password() default "";

  @AttributeDefinition(
      name = "Conductor host name",
      description =
          "Name written into node reservations (locks) and driver host lists. Empty: the machine's"
              + " host name. At most 255 characters, unique among conductors sharing a database.")
  String host() default "";

  @AttributeDefinition(
      name = "Power sync interval (s)",
      description = "Seconds between power-state sync passes, 0 or more; 0 disables the sync.")
  int sync__interval() default 60;

  @AttributeDefinition(
      name = "Power sync parallelism",
      description = "Nodes read at the same time during a sync pass, 1 or more.")
  int sync__parallelism() default 8;

  @AttributeDefinition(
      name = "Power sync timeout (s)",
      description = "Seconds one node's power read may take during a sync pass, 1 or more.")
  int sync__timeout() default 30;

  @AttributeDefinition(
      name = "Power sync failures before maintenance",
      description =
          "Failed power reads in a row that put a node into maintenance (fault 'power failure');"
              + " the sync takes it out again after a successful read. 0 or more; 0: never.")
  int sync__max__retries() default 3;

  @AttributeDefinition(
      name = "Deploy callback timeout (s)",
      description =
          "Seconds nodes wait for the deploy ramdisk's callback before they fail, 0 or more; 0:"
              + " wait forever.")
  int callback__timeout() default 1800;

  @AttributeDefinition(
      name = "Callback timeout check interval (s)",
      description = "Seconds between checks for expired deploy callbacks, 1 or more.")
  int callback__check__interval() default 60;

  @AttributeDefinition(
      name = "Heartbeat interval (s)",
      description =
          "Seconds between this conductor's heartbeats in the database, 1 or more (Ironic's"
              + " heartbeat_interval). The hash ring is rebuilt after each.")
  int heartbeat__interval() default 10;

  @AttributeDefinition(
      name = "Heartbeat timeout (s)",
      description =
          "A conductor whose last heartbeat is older than this is dead and its nodes go to the"
              + " others (Ironic's heartbeat_timeout). More than heartbeat_interval.")
  int heartbeat__timeout() default 60;

  @AttributeDefinition(
      name = "Conductor group",
      description =
          "This conductor's group (Ironic's conductor_group): it owns only nodes of the same"
              + " conductor_group. Empty: nodes without a group. Letters, digits, '.', '_', '-'.")
  String conductor__group() default "";

  @AttributeDefinition(
      name = "Hash ring partitions",
      description =
          "Points per conductor on the hash ring that spreads nodes over conductors, 1 to 4096;"
              + " every conductor sharing a database must use the same value.")
  int hash__partitions() default 256;

  @AttributeDefinition(
      name = "Cluster secret file",
      description =
          "A file holding a secret of at least 32 bytes, the same on every conductor sharing the"
              + " database (relative paths under Karaf's etc). With it, an operation on a node that"
              + " another conductor owns is carried out by that conductor, signed with the secret."
              + " Empty: every request is carried out where it arrives.")
  String cluster__secret__file() default "";

  @AttributeDefinition(
      name = "Cluster CA file",
      description =
          "For conductors whose APIs serve HTTPS: a PEM file of the certificates trusted in calls"
              + " between conductors (each conductor's <api_tls_keystore>.pem, or their CA's),"
              + " relative paths under Karaf's etc. Empty: the JVM's default trust store.")
  String cluster__cafile() default "";

  @AttributeDefinition(
      name = "Worker threads",
      description =
          "Threads running asynchronous node operations (power, deploy, verify), 1 or more.")
  int worker__threads() default 16;

  @AttributeDefinition(
      name = "Worker queue",
      description = "Operations that may wait for a worker before the API answers 503, 0 or more.")
  int worker__queue() default 256;

  @AttributeDefinition(
      name = "Console address",
      description =
          "The address serial console ports bind (one port per enabled console). On a loopback"
              + " address only local users reach them; on any other, a client must send the"
              + " console's one-time token (from GET states/console) as its first line.")
  String console__host() default "127.0.0.1";
}
