package org.amtpxe.pxe.internal;

import org.amtpxe.api.health.Health;
import org.amtpxe.api.health.HealthCheck;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The boot servers' health checks, {@code pxe.tftp} and {@code pxe.http}, as services the conductor
 * runs for {@code GET /health} and {@code amtpxe:status} (docs/observability.md#health).
 */
public final class BootServerHealth {
  private BootServerHealth() {}

  /** {@code pxe.tftp}: the TFTP server listens, or is disabled. */
  @Component(service = HealthCheck.class)
  public static final class Tftp implements HealthCheck {
    private final NetbootService netboot;

    @Activate
    public Tftp(@Reference NetbootService netboot) {
      this.netboot = netboot;
    }

    @Override
    public String name() {
      return "pxe.tftp";
    }

    @Override
    public Health check() {
      return netboot.tftpHealth();
    }
  }

  /** {@code pxe.http}: the HTTP boot server listens, or is disabled. */
  @Component(service = HealthCheck.class)
  public static final class Http implements HealthCheck {
    private final NetbootService netboot;

    @Activate
    public Http(@Reference NetbootService netboot) {
      this.netboot = netboot;
    }

    @Override
    public String name() {
      return "pxe.http";
    }

    @Override
    public Health check() {
      return netboot.httpHealth();
    }
  }
}
