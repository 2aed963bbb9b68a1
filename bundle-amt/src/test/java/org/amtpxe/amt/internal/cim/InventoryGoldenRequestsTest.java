package org.amtpxe.amt.internal.cim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.amtpxe.amt.fake.Golden;
import org.amtpxe.amt.internal.wsman.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Enumerate and Pull of every inventory class, compared with Intel's envelopes. */
class InventoryGoldenRequestsTest {
  private static final String CONTEXT = "0A000000-0000-0000-0000-000000000000";

  @ParameterizedTest
  @EnumSource(InventoryClass.class)
  void enumerateMatchesGolden(InventoryClass type) throws Exception {
    Golden.assertMatches("/wsman/" + type.className() + "/Enumerate.xml", type.enumerateRequest());
  }

  @ParameterizedTest
  @EnumSource(InventoryClass.class)
  void pullMatchesGolden(InventoryClass type) throws Exception {
    Golden.assertMatches("/wsman/" + type.className() + "/Pull.xml", type.pullRequest(CONTEXT));
  }

  @Test
  void comparisonNoticesAnotherContext() throws Exception {
    byte[] other =
        Envelopes.serialize(
            Envelopes.build(
                InventoryClass.CIM_CHASSIS.pullRequest("0B000000-0000-0000-0000-000000000000"),
                "uuid:" + UUID.randomUUID()));

    assertThat(Golden.diff("/wsman/CIM_Chassis/Pull.xml", other).hasDifferences()).isTrue();
  }

  @Test
  void comparisonNoticesAnotherClass() throws Exception {
    byte[] other =
        Envelopes.serialize(
            Envelopes.build(
                InventoryClass.CIM_CARD.enumerateRequest(), "uuid:" + UUID.randomUUID()));

    assertThat(Golden.diff("/wsman/CIM_Chassis/Enumerate.xml", other).hasDifferences()).isTrue();
  }
}
