package org.amtpxe.virtualamt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.amtpxe.virtualamt.testing.DigestClient;
import org.amtpxe.virtualamt.testing.Emulator;
import org.amtpxe.virtualamt.testing.Replies;
import org.amtpxe.virtualamt.testing.Wsman;
import org.amtpxe.virtualamt.testing.Wsman.Style;
import org.junit.jupiter.api.Test;
import org.xmlunit.builder.DiffBuilder;
import org.xmlunit.diff.Diff;

/**
 * Replies compared with golden files under {@code
 * src/test/resources/wsman/<class>/<operation>.xml}, written in the format firmware uses. The
 * comparison is identical-level: element names, namespaces, prefixes, order and text must match
 * (whitespace between elements ignored).
 */
class GoldenRepliesTest {

  private static String golden(String path) throws IOException {
    try (InputStream in = GoldenRepliesTest.class.getResourceAsStream("/wsman/" + path)) {
      if (in == null) {
        throw new IOException("No golden file wsman/" + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertMatchesGolden(String actual, String path) throws IOException {
    Diff diff =
        DiffBuilder.compare(golden(path))
            .withTest(actual)
            .ignoreWhitespace()
            .checkForIdentical()
            .build();
    assertThat(diff.hasDifferences())
        .as("%s differs from %s:%n%s%n%s", path, path, diff, actual)
        .isFalse();
  }

  @Test
  void getAssociatedPowerManagementServiceOfAnOffHost() throws Exception {
    try (Emulator e = Emulator.start()) {
      String reply =
          e.client()
              .send(Wsman.request(Style.INTEL, Wsman.GET, Wsman.APMS).messageId("7").build())
              .body();

      assertMatchesGolden(reply, "CIM_AssociatedPowerManagementService/Get.xml");
    }
  }

  @Test
  void pullServiceAvailableToElementOfARunningHost() throws Exception {
    try (Emulator e = Emulator.start(b -> b.initialPowerState(HostPowerState.ON))) {
      DigestClient client = e.client();
      String context =
          Replies.of(
                  client
                      .send(
                          Wsman.request(Style.INTEL, Wsman.ENUMERATE, Wsman.SATE)
                              .body(Wsman.enumerate())
                              .build())
                      .body())
              .text("//wsen:EnumerationContext");
      String reply =
          client
              .send(
                  Wsman.request(Style.INTEL, Wsman.PULL, Wsman.SATE)
                      .messageId("8")
                      .body(Wsman.pull(context, 999))
                      .build())
              .body();

      assertMatchesGolden(reply, "CIM_ServiceAvailableToElement/Pull.xml");
    }
  }

  @Test
  void requestPowerStateChangeOutput() throws Exception {
    try (Emulator e = Emulator.start()) {
      String reply =
          e.client()
              .send(
                  Wsman.request(Style.OPENWSMAN, Wsman.PMS + "/RequestPowerStateChange", Wsman.PMS)
                      .messageId("uuid:11111111-2222-3333-4444-555555555555")
                      .selector("Name", "Intel(r) AMT Power Management Service")
                      .body(Wsman.requestPowerStateChange(Style.OPENWSMAN, 2))
                      .build())
              .body();

      assertMatchesGolden(reply, "CIM_PowerManagementService/RequestPowerStateChange.xml");
    }
  }

  @Test
  void getBootSettingData() throws Exception {
    try (Emulator e = Emulator.start()) {
      String reply =
          e.client()
              .send(
                  Wsman.request(Style.INTEL, Wsman.GET, Wsman.BOOT_SETTINGS).messageId("3").build())
              .body();

      assertMatchesGolden(reply, "AMT_BootSettingData/Get.xml");
    }
  }

  @Test
  void optimizedEnumerateOfBootSources() throws Exception {
    try (Emulator e = Emulator.start()) {
      String reply =
          e.client()
              .send(
                  Wsman.request(Style.INTEL, Wsman.ENUMERATE, Wsman.BOOT_SOURCE)
                      .messageId("4")
                      .body(Wsman.enumerateOptimized(10))
                      .build())
              .body();

      assertMatchesGolden(reply, "CIM_BootSourceSetting/Enumerate-optimized.xml");
    }
  }

  @Test
  void destinationUnreachableFault() throws Exception {
    try (Emulator e = Emulator.start()) {
      String reply =
          e.client()
              .send(
                  Wsman.request(Style.INTEL, Wsman.GET, Wsman.CIM + "CIM_Fan")
                      .messageId("5")
                      .build())
              .body();

      assertMatchesGolden(reply, "faults/DestinationUnreachable.xml");
    }
  }
}
