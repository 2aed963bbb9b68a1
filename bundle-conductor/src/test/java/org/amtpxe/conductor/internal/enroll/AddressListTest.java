package org.amtpxe.conductor.internal.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressListTest {

  @Test
  void singleAddressesRangesAndNetworksExpandInOrderWithoutDuplicates() {
    assertThat(AddressList.expand("10.0.0.9, 10.0.0.10-12 10.0.0.11-10.0.0.13", "10.0.0.9"))
        .containsExactly("10.0.0.9", "10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13");
    assertThat(AddressList.expand("192.168.1.0/30"))
        .as("network and broadcast addresses are not hosts")
        .containsExactly("192.168.1.1", "192.168.1.2");
    assertThat(AddressList.expand("192.168.1.77/24")).hasSize(254).startsWith("192.168.1.1");
    assertThat(AddressList.expand("10.0.0.255-10.0.1.1"))
        .containsExactly("10.0.0.255", "10.0.1.0", "10.0.1.1");
    assertThat(AddressList.expand("10.0.0.5/32")).containsExactly("10.0.0.5");
  }

  @Test
  void hostNamesAndIpv6LiteralsAreKeptLowerCase() {
    assertThat(AddressList.expand("Desk-01.Example.com,fe80::1"))
        .containsExactly("desk-01.example.com", "fe80::1");
  }

  @Test
  void aTypoedNetworkIsRefusedBeforeAnythingIsProbed() {
    assertThatThrownBy(() -> AddressList.expand("10.0.0.0/8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16777216")
        .hasMessageContaining("at most 4096")
        .hasMessageContaining("split it");
    assertThatThrownBy(() -> AddressList.expand(List.of("10.0.0.1-10.0.0.200"), 100))
        .hasMessageContaining("at most 100");
    assertThatThrownBy(() -> AddressList.expand(List.of("10.0.0.1-60", "10.0.1.1-60"), 100))
        .as("the bound is on the total, not per entry")
        .hasMessageContaining("at most 100");
  }

  @Test
  void badEntriesAreNamedWithTheFormsAccepted() {
    assertThatThrownBy(() -> AddressList.expand("10.0.0.300"))
        .hasMessageContaining("\"10.0.0.300\"")
        .hasMessageContaining("300 is not an address byte");
    assertThatThrownBy(() -> AddressList.expand("10.0.0.20-10"))
        .hasMessageContaining("ends before it starts");
    assertThatThrownBy(() -> AddressList.expand("10.0.0.0/33")).hasMessageContaining("at most 32");
    assertThatThrownBy(() -> AddressList.expand("host;rm -rf"))
        .hasMessageContaining("expected an address (10.0.0.10), a host name, a range");
    assertThatThrownBy(() -> AddressList.expand("1.2.3"))
        .as("a partial IPv4 address is not a host name")
        .hasMessageContaining("expected an address");
    assertThatThrownBy(() -> AddressList.expand(" , ")).hasMessageContaining("No address given");
  }

  @Test
  void aLongHostileEntryIsNotEchoedWhole() {
    String junk = "x".repeat(10_000) + "!";
    assertThatThrownBy(() -> AddressList.expand(junk))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }
}
