package org.amtpxe.amt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.amtpxe.amt.fake.EmulatedAmt;
import org.amtpxe.amt.fake.FakeTask;
import org.amtpxe.amt.internal.cim.AmtMessageLog;
import org.amtpxe.api.driver.BootEvent;
import org.amtpxe.api.driver.BootEvent.Kind;
import org.amtpxe.api.driver.BootHistory;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.virtualamt.HostPowerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * AMT Boot History against the virtual AMT: the boots of a deploy (PXE once, then the disk) as the
 * emulated BIOS logged them, the requests a read takes, paging and the bound on records.
 */
class AmtBootHistoryOnVirtualAmtTest {
  private EmulatedAmt amt;

  @AfterEach
  void stop() {
    if (amt != null) {
      amt.close();
    }
  }

  private FakeTask start() throws Exception {
    amt =
        EmulatedAmt.start(
            spec -> spec.initialPowerState(HostPowerState.OFF), EmulatedAmt.settings());
    return amt.task();
  }

  private BootHistory read(AmtMessageLog.Bounds bounds) throws Exception {
    return new AmtBootHistory(amt.gateway(), bounds).readBootHistory(amt.sharedTask());
  }

  /** Power on with PXE armed, then the deploy ramdisk reboots the host: it boots from disk. */
  private void deployBoots(FakeTask task) throws Exception {
    amt.management().setBootDevice(task, BootDevice.PXE, false);
    amt.power().setPowerState(task, PowerState.POWER_ON, null);
    amt.node.machine().hostReboot();
  }

  @Test
  void theBootsOfADeployReadInTwoRequests() throws Exception {
    FakeTask task = start();
    deployBoots(task);
    amt.resetCounters();

    BootHistory history = read(AmtMessageLog.Bounds.DEFAULT);

    assertThat(history.requests()).isEqualTo(2);
    assertThat(amt.actions()).containsExactly("PositionToFirstRecord", "GetRecords");
    assertThat(history.truncated()).isFalse();
    List<BootEvent> devices =
        history.events().stream().filter(e -> e.kind() == Kind.BOOT_DEVICE).toList();
    assertThat(devices)
        .extracting(BootEvent::device)
        .containsExactly(BootDevice.DISK, BootDevice.PXE);
    assertThat(history.events().get(history.events().size() - 1).kind()).isEqualTo(Kind.POWER_ON);
    assertThat(history.events())
        .extracting(BootEvent::description)
        .contains(
            "Boot started: power-up",
            "Boot started: warm reset",
            "BIOS: option ROM initialisation (network boot ROM among them)");
    assertThat(history.events()).allSatisfy(e -> assertThat(e.time()).isNotNull());
  }

  @Test
  void smallPagesFollowTheIdentifierToTheSameEvents() throws Exception {
    FakeTask task = start();
    deployBoots(task);
    BootHistory whole = read(AmtMessageLog.Bounds.DEFAULT);
    int n = whole.events().size();

    BootHistory paged = read(new AmtMessageLog.Bounds(3, 4096, 64, 60_000_000_000L));

    assertThat(paged.events()).isEqualTo(whole.events());
    assertThat(paged.requests()).isEqualTo(1 + (n + 2) / 3);
  }

  @Test
  void theRecordBoundStopsTheReadAndSaysSo() throws Exception {
    FakeTask task = start();
    deployBoots(task);

    BootHistory history = read(new AmtMessageLog.Bounds(2, 5, 64, 60_000_000_000L));

    assertThat(history.events()).hasSize(5);
    assertThat(history.truncated()).isTrue();
  }

  @Test
  void anEmptyLogIsAnEmptyHistoryAfterOneRequest() throws Exception {
    start();

    BootHistory history = read(AmtMessageLog.Bounds.DEFAULT);

    assertThat(history.events()).isEmpty();
    assertThat(history.requests()).isEqualTo(1);
  }

  @Test
  void firmwareWithoutTheLogIsUnsupported() throws Exception {
    start();
    amt.switches(s -> s.unsupportedClasses(Set.of("AMT_MessageLog")));

    assertThatThrownBy(() -> read(AmtMessageLog.Bounds.DEFAULT))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("keeps no event log")
        .hasMessageContaining("DestinationUnreachable")
        .hasMessageNotContaining(EmulatedAmt.PASSWORD);
  }
}
