package org.amtpxe.amt.fake;

import java.time.Clock;
import java.time.Duration;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.amt.internal.AmtProtocol;
import org.amtpxe.amt.internal.AmtSettings;
import org.amtpxe.amt.internal.BootSequence;
import org.amtpxe.amt.internal.wsman.TransportSettings;
import org.amtpxe.amt.internal.wsman.WakeLog;
import org.amtpxe.amt.internal.wsman.WakeProbe;

/** Settings for fast tests: short timeouts, short waits, no wake-up. */
public final class TestSettings {
  private TestSettings() {}

  public static TransportSettings transport() {
    return new TransportSettings(
        Duration.ofSeconds(2),
        Duration.ofSeconds(3),
        AmtSettings.defaults().transport().maxReplyBytes(),
        Duration.ZERO,
        3,
        Duration.ofMillis(10),
        null);
  }

  public static AmtSettings settings() {
    return settings(BootSequence.INTEL, 3);
  }

  public static AmtSettings settings(BootSequence sequence, int maxAttempts) {
    return new AmtSettings(
        AmtProtocol.HTTP, maxAttempts, Duration.ofMillis(5), sequence, transport());
  }

  /** A gateway outside OSGi with these settings. */
  public static AmtGateway gateway(AmtSettings settings) {
    return new AmtGateway(settings, WakeLog.inMemory(), Clock.systemUTC(), WakeProbe.TCP);
  }
}
