package org.amtpxe.amt.internal;

import org.amtpxe.api.config.TypedConfig;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The AMT driver configuration, PID {@value AmtGateway#PID} (file {@code etc/org.amtpxe.amt.cfg}).
 * Keys are Ironic's {@code [amt]} options plus timeouts and TLS trust. This interface is the only
 * place a key's type and default are written: {@link TypedConfig} reads the raw properties as it
 * declares them, {@link AmtSettings#from} checks ranges and choices, the shipped {@code
 * src/main/cfg/org.amtpxe.amt.cfg} and the README are checked against it by {@code
 * ShippedConfigTest}. A double underscore in a method name is an underscore in the key ({@code
 * max__attempts} is {@code max_attempts}); ranges are in the descriptions and in {@link
 * AmtSettings#from}.
 */
@ObjectClassDefinition(
    name = "amtpxe AMT driver",
    description = "Intel AMT power and boot over WS-Management.")
public @interface AmtConfig {

  @AttributeDefinition(
      name = "Default protocol",
      description = "Used when a node has no amt_protocol: http (port 16992) or https (16993).",
      options = {
        @Option(value = "http", label = "http"),
        @Option(value = "https", label = "https")
      })
  String protocol() default "http";

  @AttributeDefinition(
      name = "Power attempts",
      description = "Power change requests sent before giving up (1-20). Ironic: max_attempts.")
  int max__attempts() default 3;

  @AttributeDefinition(
      name = "Action wait (s)",
      description = "Seconds between a power request and the next state poll (1-300).")
  int action__wait() default 10;

  @AttributeDefinition(
      name = "Awake interval (s)",
      description =
          "Minimum seconds between wake-ups of a node's AMT (0-86400); 0 disables waking. Keep"
              + " it below the AMT's idle timeout, after which its management engine sleeps.")
  int awake__interval() default 60;

  @AttributeDefinition(
      name = "Connect timeout (s)",
      description = "TCP connect timeout of every AMT call (1-300).")
  int connect__timeout() default 10;

  @AttributeDefinition(
      name = "Read timeout (s)",
      description =
          "How long to wait for data of a reply (1-600). A whole exchange is cut off after twice"
              + " connect + read timeout.")
  int read__timeout() default 60;

  @AttributeDefinition(
      name = "Boot sequence",
      description =
          "intel: clear AMT_BootSettingData, clear the boot order, set it, set the role (Intel's"
              + " safe sequence). seed: ChangeBootOrder + SetBootConfigRole only (Ironic).",
      options = {
        @Option(value = "intel", label = "intel"),
        @Option(value = "seed", label = "seed")
      })
  String boot__sequence() default "intel";

  @AttributeDefinition(
      name = "Maximum reply size (bytes)",
      description = "Larger replies are refused (4096-67108864).")
  int max__reply__bytes() default 1048576;

  @AttributeDefinition(
      name = "Trust store",
      description =
          "PKCS12 or JKS file of CA certificates trusted for https AMTs without"
              + " amt_cert_fingerprint; empty for the JVM's default trust.",
      required = false)
  String truststore__path() default "";

  /**
   * The key starts with a full stop ({@code .truststore_password}), so the value stays a private
   * component property and is never published as a service property.
   */
  @AttributeDefinition(
      name = "Trust store password",
      type = AttributeType.PASSWORD,
      required = false)
  String _truststore__password() default "";

  @AttributeDefinition(
      name = "Wake-up attempts",
      description =
          "TCP connection attempts of one wake-up, and sends of the first request after it while"
              + " the AMT leaves it unanswered (1-20).")
  int wake__attempts() default 5;

  @AttributeDefinition(
      name = "Wake-up retry delay (ms)",
      description = "Pause between wake-up attempts, and between those sends (0-10000).")
  int wake__retry__delay__ms() default 200;

  @AttributeDefinition(
      name = "Drain timeout (s)",
      description =
          "When the driver stops (bundle update, uninstall, shutdown), how long it waits for AMT"
              + " calls already running to finish before closing their connections (0-600)."
              + " Calls arriving meanwhile go to the driver that replaces it.")
  int drain__timeout() default 30;
}
