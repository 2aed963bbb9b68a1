package org.amtpxe.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MacAddressTest {
  @Test
  void readsColonsOrHyphensInAnyCaseAndWritesIronicsForm() {
    for (String text : List.of("52:54:00:AB:cd:0F", "52-54-00-ab-CD-0f", "52:54:00:ab:cd:0f")) {
      MacAddress mac = MacAddress.parse(text);
      assertThat(mac).hasToString("52:54:00:ab:cd:0f");
      assertThat(mac.hyphenated()).isEqualTo("52-54-00-ab-cd-0f");
      assertThat(mac).isEqualTo(MacAddress.parse("52:54:00:ab:cd:0f"));
    }
    assertThat(MacAddress.parse("00:00:00:00:00:01"))
        .isLessThan(MacAddress.parse("ff:ff:ff:ff:ff:ff"));
  }

  @Test
  void refusesWhatIsNotOneAddressAndSaysWhatOneLooksLike() {
    for (String bad :
        List.of(
            "",
            "52:54:00:12:34",
            "52:54:00:12:34:56:78",
            "52:54-00:12:34:56",
            "52.54.00.12.34.56",
            "5254.0012.3456",
            "52:54:00:12:34:5g",
            " 52:54:00:12:34:56",
            "５２:54:00:12:34:56")) {
      assertThat(MacAddress.tryParse(bad)).as(bad).isEmpty();
    }
    assertThat(MacAddress.tryParse(null)).isEmpty();
    assertThatThrownBy(() -> MacAddress.parse("zz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'zz' is not a MAC address: six pairs of hex digits separated by : or -, e.g."
                + " 52:54:00:12:34:56");
  }
}
