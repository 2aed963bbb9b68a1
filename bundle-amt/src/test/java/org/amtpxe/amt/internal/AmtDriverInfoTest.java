package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.amtpxe.amt.internal.wsman.AmtEndpoint;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.MissingParameterValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AmtDriverInfoTest {

  private static Map<String, Object> good() {
    Map<String, Object> info = new HashMap<>();
    info.put("amt_address", "10.0.0.5");
    info.put("amt_username", "admin");
    info.put("amt_password", "S3cret!");
    return info;
  }

  private static AmtEndpoint parse(Map<String, Object> info) throws Exception {
    return AmtDriverInfo.parse("Node n1", info, AmtProtocol.HTTP);
  }

  @Test
  void parsesGoodDriverInfo() throws Exception {
    AmtEndpoint endpoint = parse(good());

    assertThat(endpoint.address()).isEqualTo("10.0.0.5");
    assertThat(endpoint.username()).isEqualTo("admin");
    assertThat(endpoint.password()).isEqualTo("S3cret!");
    assertThat(endpoint.https()).isFalse();
    assertThat(endpoint.port()).isEqualTo(16992);
    assertThat(endpoint.verifyCa()).isTrue();
    assertThat(endpoint.certSha256()).isNull();
    assertThat(endpoint.toString()).doesNotContain("S3cret!");
  }

  @ParameterizedTest
  @ValueSource(strings = {"amt_address", "amt_username", "amt_password"})
  void validateRejectsEachMissingRequiredKey(String key) {
    Map<String, Object> info = good();
    info.remove(key);

    assertThatThrownBy(() -> parse(info))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class, e -> assertThat(e.missing()).containsExactly(key))
        .hasMessageContaining("requires the following to be set in node's driver_info")
        .hasMessageContaining("Node n1");
  }

  @Test
  void validateReportsAllMissingKeysAtOnceAndEmptyCountsAsMissing() {
    Map<String, Object> info = new HashMap<>();
    info.put("amt_address", "");

    assertThatThrownBy(() -> parse(info))
        .isInstanceOfSatisfying(
            MissingParameterValueException.class,
            e ->
                assertThat(e.missing())
                    .containsExactly("amt_address", "amt_username", "amt_password"));
  }

  @Test
  void missingProtocolGivesTheConfiguredDefault() throws Exception {
    assertThat(AmtDriverInfo.parse("Node n1", good(), AmtProtocol.HTTPS).https()).isTrue();
    assertThat(AmtDriverInfo.parse("Node n1", good(), AmtProtocol.HTTPS).port()).isEqualTo(16993);
  }

  @Test
  void httpsProtocolSelectsPort16993() throws Exception {
    Map<String, Object> info = good();
    info.put("amt_protocol", "https");

    assertThat(parse(info).port()).isEqualTo(16993);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP", "ftp", "Https"})
  void wrongProtocolIsInvalidAndCaseSensitive(String protocol) {
    Map<String, Object> info = good();
    info.put("amt_protocol", protocol);

    assertThatThrownBy(() -> parse(info))
        .isExactlyInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("amt_protocol must be 'http' or 'https'")
        .hasMessageContaining("'" + protocol + "'");
  }

  @Test
  void portMayBeANumberOrAString() throws Exception {
    Map<String, Object> info = good();
    info.put("amt_port", 1623);
    assertThat(parse(info).port()).isEqualTo(1623);
    info.put("amt_port", "16001");
    assertThat(parse(info).port()).isEqualTo(16001);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "70000", "http", "16992.5"})
  void badPortIsInvalid(String port) {
    Map<String, Object> info = good();
    info.put("amt_port", port);

    assertThatThrownBy(() -> parse(info))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("amt_port must be an integer in 1-65535");
  }

  @Test
  void fingerprintIsAcceptedWithOrWithoutColons() throws Exception {
    String hex = "AB".repeat(32);
    String colons = String.join(":", java.util.Collections.nCopies(32, "ab"));
    Map<String, Object> info = good();
    info.put("amt_protocol", "https");
    info.put("amt_cert_fingerprint", hex);
    assertThat(parse(info).certSha256()).isEqualTo("ab".repeat(32));
    info.put("amt_cert_fingerprint", colons);
    assertThat(parse(info).certSha256()).isEqualTo("ab".repeat(32));
  }

  @Test
  void badFingerprintIsInvalid() {
    Map<String, Object> info = good();
    info.put("amt_protocol", "https");
    info.put("amt_cert_fingerprint", "ab:cd");

    assertThatThrownBy(() -> parse(info))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("64 hex digits");
  }

  @Test
  void fingerprintWithHttpIsInvalid() {
    Map<String, Object> info = good();
    info.put("amt_cert_fingerprint", "ab".repeat(32));

    assertThatThrownBy(() -> parse(info))
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("set amt_protocol=https or remove amt_cert_fingerprint");
  }

  @Test
  void verifyCaAcceptsBooleansAndStrings() throws Exception {
    Map<String, Object> info = good();
    info.put("amt_verify_ca", false);
    assertThat(parse(info).verifyCa()).isFalse();
    info.put("amt_verify_ca", "False");
    assertThat(parse(info).verifyCa()).isFalse();
    info.put("amt_verify_ca", "maybe");
    assertThatThrownBy(() -> parse(info))
        .hasMessageContaining("amt_verify_ca must be true or false");
  }

  @Test
  void addressWithPortOrSchemeIsInvalid() {
    Map<String, Object> info = good();
    info.put("amt_address", "10.0.0.5:16992");
    assertThatThrownBy(() -> parse(info)).hasMessageContaining("set the port in amt_port");
    info.put("amt_address", "http://10.0.0.5/wsman");
    assertThatThrownBy(() -> parse(info)).hasMessageContaining("without scheme or path");
  }

  @Test
  void ipv6AddressIsBracketedInUrls() throws Exception {
    Map<String, Object> info = good();
    info.put("amt_address", "fd00::5");

    AmtEndpoint endpoint = parse(info);

    assertThat(endpoint.urlHost()).isEqualTo("[fd00::5]");
  }

  @Test
  void everyProblemIsReportedTogetherAndThePasswordNever() {
    Map<String, Object> info = good();
    info.put("amt_protocol", "HTTPS");
    info.put("amt_port", "x");

    assertThatThrownBy(() -> parse(info))
        .hasMessageContaining("amt_protocol")
        .hasMessageContaining("amt_port")
        .hasMessageNotContaining("S3cret!");
  }

  @Test
  void propertiesDescribeEveryKeyAsRequiredOrOptional() {
    assertThat(AmtDriverInfo.PROPERTIES)
        .containsKeys(
            "amt_address",
            "amt_username",
            "amt_password",
            "amt_protocol",
            "amt_port",
            "amt_cert_fingerprint",
            "amt_verify_ca")
        .allSatisfy((k, v) -> assertThat(v).matches(".*(Required|Optional)\\.$"));
  }
}
