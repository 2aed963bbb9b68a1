package org.amtpxe.conductor.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the conductor, PID {@code org.amtpxe.conductor}. Keys are spelled with
 * underscores like Ironic's options ({@code api_port}): a double underscore in a method name is one
 * underscore in the key. Numbers are read as strings so that a bad value reaches {@link
 * Settings#from} and is reported there with its key; the metatype still declares them integers.
 */
@ObjectClassDefinition(
    id = ConductorConfig.PID,
    name = "amtpxe conductor",
    description = "Database, REST API, locks, power sync and deploy timeouts of the conductor.")
public @interface ConductorConfig {
  String PID = "org.amtpxe.conductor";

  @AttributeDefinition(
      name = "API address",
      description =
          "Address the Ironic-compatible REST API binds. Without credentials only on loopback;"
              + " any other address needs auth_file.")
  String api__host() default "127.0.0.1";

  @AttributeDefinition(
      name = "API port",
      description = "Port of the REST API; 0 picks any free port.",
      min = "0",
      max = "65535",
      type = AttributeType.INTEGER)
  String api__port() default "6385";

  @AttributeDefinition(
      name = "API request threads",
      description = "Threads serving HTTP requests.",
      min = "8",
      type = AttributeType.INTEGER)
  String api__threads() default "32";

  @AttributeDefinition(
      name = "API request body deadline (s)",
      description =
          "Seconds a request body may take to arrive after its headers; a slower client gets"
              + " 408 and its connection is closed.",
      min = "1",
      max = "3600",
      type = AttributeType.INTEGER)
  String api__body__timeout__seconds() default "10";

  @AttributeDefinition(
      name = "API connections",
      description = "Connections the API keeps open at once; further clients wait to be accepted.",
      min = "1",
      type = AttributeType.INTEGER)
  String api__max__connections() default "256";

  @AttributeDefinition(
      name = "Ramdisk port",
      description =
          "A second, plain-HTTP port on api_host that serves only the deploy ramdisk's lookup and"
              + " callback (and the version documents), for when the API itself is HTTPS: the"
              + " reference ramdisk cannot verify a certificate. Point the PXE deploy's api_url at"
              + " it. Empty: none.",
      type = AttributeType.INTEGER)
  String api__ramdisk__port() default "";

  @AttributeDefinition(
      name = "API TLS keystore",
      description =
          "PKCS12 keystore with the API's certificate and private key; relative paths are under"
              + " ${karaf.etc}. Empty: plain HTTP (then HTTP Basic credentials are refused unless"
              + " api_host is a loopback address).")
  String api__tls__keystore() default "";

  @AttributeDefinition(name = "API TLS keystore password", type = AttributeType.PASSWORD)
  String api__tls__keystore__password() default "";

  @AttributeDefinition(
      name = "Generate the API certificate",
      description =
          "When api_tls_keystore does not exist, create it on start with a self-signed"
              + " certificate for this host name and api_host (its SHA-256 fingerprint is logged"
              + " and written to <keystore>.sha256).",
      type = AttributeType.BOOLEAN)
  String api__tls__generate() default "false";

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
              + " realm). Role principals named admin, member and reader give the roles.")
  String auth__realm() default "amtpxe";

  @AttributeDefinition(
      name = "Credential cache (s)",
      description =
          "How long a verified user and password are remembered, so that PBKDF2 or LDAP is not"
              + " asked on every request; 0: never. A changed password is honoured after it.",
      min = "0",
      max = "3600",
      type = AttributeType.INTEGER)
  String auth__cache__seconds() default "60";

  @AttributeDefinition(
      name = "Database URL",
      description =
          "jdbc:h2:... or jdbc:postgresql://host:port/db. Empty: an H2 file in"
              + " ${karaf.data}/amtpxe/conductor.")
  String db__url() default "";

  @AttributeDefinition(name = "Database user")
  String db__user() default "sa";

  @AttributeDefinition(name = "Database password", type = AttributeType.PASSWORD)
  String db__password() default "";

  @AttributeDefinition(
      name = "Conductor host name",
      description =
          "Name written into node reservations (locks) and driver host lists. Empty: the machine's"
              + " host name. Must be unique among conductors sharing a database.")
  String host() default "";

  @AttributeDefinition(
      name = "Power sync interval (s)",
      description = "Seconds between power-state sync passes; 0 disables the sync.",
      min = "0",
      type = AttributeType.INTEGER)
  String sync__interval() default "60";

  @AttributeDefinition(
      name = "Power sync parallelism",
      description = "Nodes read at the same time during a sync pass.",
      min = "1",
      type = AttributeType.INTEGER)
  String sync__parallelism() default "8";

  @AttributeDefinition(
      name = "Power sync timeout (s)",
      description = "How long one node's power read may take during a sync pass.",
      min = "1",
      type = AttributeType.INTEGER)
  String sync__timeout() default "30";

  @AttributeDefinition(
      name = "Power sync failures before maintenance",
      description =
          "Failed power reads in a row that put a node into maintenance (fault 'power failure');"
              + " the sync takes it out again after a successful read. 0: never.",
      min = "0",
      type = AttributeType.INTEGER)
  String sync__max__retries() default "3";

  @AttributeDefinition(
      name = "Deploy callback timeout (s)",
      description =
          "Nodes waiting longer than this for the deploy ramdisk's callback fail; 0: wait forever.",
      min = "0",
      type = AttributeType.INTEGER)
  String callback__timeout() default "1800";

  @AttributeDefinition(
      name = "Callback timeout check interval (s)",
      description = "Seconds between checks for expired deploy callbacks.",
      min = "1",
      type = AttributeType.INTEGER)
  String callback__check__interval() default "60";

  @AttributeDefinition(
      name = "Worker threads",
      description = "Threads running asynchronous node operations (power, deploy, verify).",
      min = "1",
      type = AttributeType.INTEGER)
  String worker__threads() default "16";

  @AttributeDefinition(
      name = "Worker queue",
      description = "Operations that may wait for a worker before the API answers 503.",
      min = "0",
      type = AttributeType.INTEGER)
  String worker__queue() default "256";
}
