package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.api.error.OperationFailedException;
import org.dom4j.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Enumerate and Pull against the virtual AMT, with classes it has served from the start: both sides
 * agree on the envelopes, the context and the end of the sequence.
 */
class EnumerationOnVirtualAmtTest {
  private static final String BOOT_SOURCES = Wsman.cim("CIM_BootSourceSetting");

  private EmulatedAmt amt;
  private WsmanClient client;

  @BeforeEach
  void start() throws Exception {
    amt = EmulatedAmt.start();
    client = amt.gateway().client(amt.task().node(), amt.gateway().settings());
  }

  @AfterEach
  void stop() {
    amt.close();
  }

  @Test
  void enumeratesEveryInstanceOfAClassInOneEnumerateAndOnePull() throws Exception {
    client.enumerate(BOOT_SOURCES, 16, 256);
    amt.resetCounters();

    List<Element> items = client.enumerate(BOOT_SOURCES, 16, 256);

    assertThat(items).hasSizeGreaterThan(1);
    assertThat(items)
        .allSatisfy(
            item -> {
              assertThat(item.getNamespaceURI()).isEqualTo(BOOT_SOURCES);
              assertThat(item.getName()).isEqualTo("CIM_BootSourceSetting");
            });
    assertThat(amt.actions()).containsExactly("Enumerate", "Pull");
    assertThat(amt.counters().httpRequests()).isEqualTo(2);
  }

  @Test
  void aClassTheFirmwareDoesNotKnowFaults() {
    assertThatThrownBy(() -> client.enumerate(Wsman.cim("CIM_NoSuchClass"), 16, 256))
        .isInstanceOf(OperationFailedException.class)
        .satisfies(
            e ->
                assertThat(((OperationFailedException) e).faultSubcode())
                    .endsWith("DestinationUnreachable"));
  }
}
