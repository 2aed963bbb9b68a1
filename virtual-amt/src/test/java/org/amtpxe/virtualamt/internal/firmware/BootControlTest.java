package org.amtpxe.virtualamt.internal.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amtpxe.virtualamt.BootDevice;
import org.amtpxe.virtualamt.internal.firmware.BootControl.Decision;
import org.dom4j.DocumentHelper;
import org.junit.jupiter.api.Test;

class BootControlTest {
  private final BootControl boot = new BootControl();

  @Test
  void unarmedBootUsesDefaultDeviceAndKeepsSource() {
    boot.changeBootOrder(List.of(BootSource.PXE));

    assertThat(boot.boot(BootDevice.DISK, false)).isEqualTo(new Decision(BootDevice.DISK, false));
    assertThat(boot.source()).contains(BootSource.PXE);
  }

  @Test
  void armedBootUsesSourceOnceThenRevertsRoleAndClearsSource() {
    boot.changeBootOrder(List.of(BootSource.PXE));
    boot.setRole(BootControl.ROLE_IS_NEXT_SINGLE_USE);

    assertThat(boot.boot(BootDevice.DISK, false)).isEqualTo(new Decision(BootDevice.PXE, true));
    assertThat(boot.role()).isEqualTo(BootControl.ROLE_IS_NOT_NEXT);
    assertThat(boot.source()).isEmpty();
    assertThat(boot.boot(BootDevice.DISK, false)).isEqualTo(new Decision(BootDevice.DISK, false));
  }

  @Test
  void onlyTheFirstSourceCountsUntilCleared() {
    boot.changeBootOrder(List.of(BootSource.CD_DVD));
    assertThat(boot.changeBootOrder(List.of(BootSource.PXE))).isZero();

    assertThat(boot.source()).contains(BootSource.CD_DVD);

    boot.changeBootOrder(List.of());
    boot.changeBootOrder(List.of(BootSource.PXE));
    assertThat(boot.source()).contains(BootSource.PXE);
  }

  @Test
  void onlyTheFirstSourceOfOneCallCounts() {
    boot.changeBootOrder(List.of(BootSource.HARD_DRIVE, BootSource.PXE));

    assertThat(boot.source()).contains(BootSource.HARD_DRIVE);
  }

  @Test
  void firmwareThatKeepsTheSourceAppliesItAgainWhenRearmed() {
    boot.changeBootOrder(List.of(BootSource.PXE));
    boot.setRole(BootControl.ROLE_IS_NEXT_SINGLE_USE);
    boot.boot(BootDevice.DISK, true);

    boot.changeBootOrder(List.of(BootSource.CD_DVD));
    boot.setRole(BootControl.ROLE_IS_NEXT_SINGLE_USE);

    assertThat(boot.boot(BootDevice.DISK, true).device()).isEqualTo(BootDevice.PXE);
  }

  @Test
  void armedRoleWithoutSourceBootsDefaultAndIsConsumed() {
    boot.setRole(BootControl.ROLE_IS_NEXT_SINGLE_USE);

    assertThat(boot.boot(BootDevice.DISK, false)).isEqualTo(new Decision(BootDevice.DISK, false));
    assertThat(boot.role()).isEqualTo(BootControl.ROLE_IS_NOT_NEXT);
  }

  @Test
  void biosSetupWinsOverSourceAndIsClearedByTheBoot() throws Exception {
    boot.changeBootOrder(List.of(BootSource.PXE));
    boot.settings().put(settings("<b:BIOSSetup>true</b:BIOSSetup>"));
    boot.setRole(BootControl.ROLE_IS_NEXT_SINGLE_USE);

    assertThat(boot.boot(BootDevice.DISK, false)).isEqualTo(new Decision(BootDevice.BIOS, true));
    assertThat(boot.settings().biosSetup()).isFalse();
  }

  @Test
  void setRoleRefusesRolesFirmwareDoesNotSupport() {
    assertThat(boot.setRole(0)).isEqualTo(1);
    assertThat(boot.role()).isEqualTo(BootControl.ROLE_IS_NOT_NEXT);
  }

  @Test
  void disarmingKeepsTheNextBootNormal() {
    boot.changeBootOrder(List.of(BootSource.PXE));
    boot.setRole(BootControl.ROLE_IS_NEXT_SINGLE_USE);
    boot.setRole(BootControl.ROLE_IS_NOT_NEXT);

    assertThat(boot.boot(BootDevice.DISK, false).device()).isEqualTo(BootDevice.DISK);
  }

  static org.dom4j.Element settings(String children) throws Exception {
    return DocumentHelper.parseText(
            "<b:AMT_BootSettingData xmlns:b=\""
                + BootSettings.RESOURCE_URI
                + "\">"
                + children
                + "</b:AMT_BootSettingData>")
        .getRootElement();
  }
}
