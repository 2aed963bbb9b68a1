package org.amtpxe.amt.internal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService.PowerStatus;
import org.amtpxe.amt.internal.cim.CimPowerManagementService;
import org.amtpxe.amt.internal.wsman.WsmanClient;
import org.amtpxe.api.driver.PowerInterface;
import org.amtpxe.api.driver.TaskContext;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.DeviceCommunicationException;
import org.amtpxe.api.error.DriverException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.amtpxe.api.error.OperationFailedException;
import org.amtpxe.api.error.PowerStateFailureException;
import org.amtpxe.api.error.UnsupportedDriverOperationException;
import org.amtpxe.api.model.BootDevice;
import org.amtpxe.api.model.BootDeviceSetting;
import org.amtpxe.api.model.PowerState;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AMT Power: reads and changes a node's power state with {@code CIM_PowerManagementService}, with
 * Ironic's request-and-poll loop ({@code max_attempts} requests, {@code action_wait} apart) and its
 * re-arming of the recorded boot device before every power-on.
 */
@Component(
    service = PowerInterface.class,
    property = PowerInterface.DRIVER_PROPERTY + "=amt",
    // amt.version: the bundle version, written into the jar by bnd (see pom.xml).
    properties = "OSGI-INF/amt-version.properties")
public final class AmtPower implements PowerInterface {
  private static final Logger LOG = LoggerFactory.getLogger(AmtPower.class);

  private final AmtGateway gateway;
  private final String version;

  @Activate
  public AmtPower(@Reference AmtGateway gateway, Map<String, Object> properties) {
    this.gateway = gateway;
    this.version = AmtManagement.version(properties);
  }

  /** The settings and the client for one operation on one node. */
  private record Operation(TaskContext task, AmtSettings settings, WsmanClient client) {
    String label() {
      return client.endpoint().label();
    }

    PowerStatus read() throws DriverException {
      return new CimAssociatedPowerManagementService(client).get();
    }

    void request(int cimPowerState) throws DriverException {
      new CimPowerManagementService(client).requestPowerStateChange(cimPowerState);
    }
  }

  private Operation open(TaskContext task) throws DriverException {
    AmtSettings settings = gateway.settings();
    return new Operation(task, settings, gateway.client(task.node(), settings));
  }

  @Override
  public Map<String, String> properties() {
    return AmtDriverInfo.PROPERTIES;
  }

  @Override
  public void validate(TaskContext task) throws DriverException {
    AmtDriverInfo.parse(task.node(), gateway.settings().protocol());
  }

  @Override
  public PowerState getPowerState(TaskContext task) throws DriverException {
    Operation op = open(task);
    int cim = gateway.call(op::read).powerState();
    PowerState state = AmtPowerStates.toApi(cim);
    if (state == PowerState.ERROR) {
      LOG.debug("{}: AMT reports PowerState {}", op.label(), AmtPowerStates.describe(cim));
    }
    return state;
  }

  @Override
  public void setPowerState(TaskContext task, PowerState target, Duration timeout)
      throws DriverException {
    if (target == null || !target.isTarget()) {
      throw new InvalidParameterValueException(
          "Node "
              + task.node().displayName()
              + ": '"
              + target
              + "' is not a power target; use power on, power off, rebooting, soft power off or"
              + " soft rebooting.");
    }
    task.requireExclusive("setting the power state to '" + target + "'");
    gateway.call(
        () -> {
          switch (target) {
            case POWER_ON -> powerOn(open(task), timeout);
            case POWER_OFF ->
                setAndWait(open(task), PowerState.POWER_OFF, AmtPowerStates.OFF_SOFT, timeout);
            case REBOOT -> rebootNow(task, timeout);
            case SOFT_POWER_OFF -> softPowerOff(open(task), timeout);
            case SOFT_REBOOT -> softReboot(open(task));
            default -> throw new IllegalStateException("unreachable: " + target);
          }
          return null;
        });
  }

  /** Power off, then on, as Ironic did: a node that was off ends up on. */
  @Override
  public void reboot(TaskContext task, Duration timeout) throws DriverException {
    task.requireExclusive("rebooting");
    gateway.call(
        () -> {
          rebootNow(task, timeout);
          return null;
        });
  }

  private void rebootNow(TaskContext task, Duration timeout) throws DriverException {
    setAndWait(open(task), PowerState.POWER_OFF, AmtPowerStates.OFF_SOFT, timeout);
    // The boot device is armed in the on step, while the machine is off.
    powerOn(open(task), timeout);
  }

  private void powerOn(Operation op, Duration timeout) throws DriverException {
    armRecordedBootDevice(op.task());
    setAndWait(op, PowerState.POWER_ON, AmtPowerStates.ON, timeout);
  }

  /**
   * Before a power-on: a recorded device other than disk is armed for the coming boot, by this
   * bundle's own management code (see {@link AmtManagement#armNextBoot}).
   */
  private void armRecordedBootDevice(TaskContext task) throws DriverException {
    BootDeviceSetting recorded = AmtBootDevices.recorded(task.node());
    if (recorded.device() == BootDevice.DISK) {
      return;
    }
    AmtManagement.armNextBoot(gateway, version, task, recorded.device());
  }

  /**
   * Ironic's loop: read the state; stop when it is the target; fail when {@code max_attempts}
   * requests were sent or the timeout passed; otherwise request the change (a failed request is
   * logged and counted) and wait {@code action_wait}. N attempts: at most N requests and N + 1
   * reads; no request when the node is already in the target state.
   */
  private void setAndWait(Operation op, PowerState target, int request, Duration timeout)
      throws DriverException {
    int maxAttempts = op.settings().maxAttempts();
    long deadline = deadline(timeout);
    int sent = 0;
    DriverException lastFailure = null;
    while (true) {
      int cim = op.read().powerState();
      if (AmtPowerStates.toApi(cim) == target) {
        return;
      }
      if (sent >= maxAttempts || (sent > 0 && System.nanoTime() - deadline >= 0)) {
        throw notReached(op, target, cim, sent, timeout, lastFailure);
      }
      try {
        op.request(request);
      } catch (AuthenticationFailedException e) {
        // Never retried: repeated wrong passwords lock the AMT account.
        throw e;
      } catch (OperationFailedException | DeviceCommunicationException e) {
        LOG.warn(
            "{}: power request {} failed (attempt {} of {}): {}",
            op.label(),
            AmtPowerStates.describe(request),
            sent + 1,
            maxAttempts,
            e.getMessage());
        lastFailure = e;
      }
      sent++;
      pause(op, deadline);
    }
  }

  /** One graceful shutdown request, then polls until off or the timeout. */
  private void softPowerOff(Operation op, Duration timeout) throws DriverException {
    PowerStatus status = op.read();
    if (AmtPowerStates.toApi(status.powerState()) == PowerState.POWER_OFF) {
      return;
    }
    requireAvailable(op, status, AmtPowerStates.OFF_SOFT_GRACEFUL, "soft power off");
    op.request(AmtPowerStates.OFF_SOFT_GRACEFUL);
    Duration wait =
        timeout != null
            ? timeout
            : op.settings().actionWait().multipliedBy(op.settings().maxAttempts());
    long deadline = deadline(wait);
    int cim;
    do {
      pause(op, deadline);
      cim = op.read().powerState();
      if (AmtPowerStates.toApi(cim) == PowerState.POWER_OFF) {
        return;
      }
    } while (System.nanoTime() - deadline < 0);
    throw notReached(op, PowerState.POWER_OFF, cim, 1, wait, null);
  }

  /** One graceful reboot request; the recorded boot device is armed first. */
  private void softReboot(Operation op) throws DriverException {
    PowerStatus status = op.read();
    requireAvailable(op, status, AmtPowerStates.MASTER_BUS_RESET_GRACEFUL, "soft reboot");
    armRecordedBootDevice(op.task());
    op.request(AmtPowerStates.MASTER_BUS_RESET_GRACEFUL);
  }

  @Override
  public Set<PowerState> supportedPowerStates(TaskContext task) throws DriverException {
    Operation op = open(task);
    PowerStatus status = gateway.call(op::read);
    Set<PowerState> states =
        EnumSet.of(PowerState.POWER_ON, PowerState.POWER_OFF, PowerState.REBOOT);
    if (status.availableRequestedPowerStates().contains(AmtPowerStates.OFF_SOFT_GRACEFUL)) {
      states.add(PowerState.SOFT_POWER_OFF);
    }
    if (status.availableRequestedPowerStates().contains(AmtPowerStates.MASTER_BUS_RESET_GRACEFUL)) {
      states.add(PowerState.SOFT_REBOOT);
    }
    return states;
  }

  @Override
  public void injectNmi(TaskContext task) throws DriverException {
    task.requireExclusive("injecting an NMI");
    Operation op = open(task);
    gateway.call(
        () -> {
          PowerStatus status = op.read();
          requireAvailable(op, status, AmtPowerStates.DIAGNOSTIC_INTERRUPT_NMI, "an NMI");
          op.request(AmtPowerStates.DIAGNOSTIC_INTERRUPT_NMI);
          return null;
        });
  }

  private static void requireAvailable(Operation op, PowerStatus status, int cim, String what)
      throws UnsupportedDriverOperationException {
    if (!status.availableRequestedPowerStates().contains(cim)) {
      throw new UnsupportedDriverOperationException(
          op.label()
              + ": the AMT does not offer "
              + what
              + " (PowerState "
              + AmtPowerStates.describe(cim)
              + ") now: in PowerState "
              + AmtPowerStates.describe(status.powerState())
              + " it accepts "
              + status.availableRequestedPowerStates()
              + ". Graceful requests need AMT 9 or later, the Intel LMS agent running in the"
              + " operating system, and the host on.");
    }
  }

  private static long deadline(Duration timeout) {
    return timeout == null
        ? System.nanoTime() + Long.MAX_VALUE / 2
        : System.nanoTime() + timeout.toNanos();
  }

  private static void pause(Operation op, long deadline) throws DriverException {
    long remaining = Math.max(0, deadline - System.nanoTime());
    long nanos = Math.min(op.settings().actionWait().toNanos(), remaining);
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException(op.label() + ": interrupted while waiting for the power state.");
    }
  }

  private static PowerStateFailureException notReached(
      Operation op, PowerState target, int cim, int sent, Duration timeout, DriverException last) {
    String message =
        op.label()
            + ": Failed to set node power state to '"
            + target
            + "': the AMT still reports PowerState "
            + AmtPowerStates.describe(cim)
            + " after "
            + sent
            + (sent == 1 ? " request" : " requests")
            + (timeout == null ? "" : " within " + timeout.toMillis() + " ms")
            + (last == null ? "." : ". Last request error: " + last.getMessage());
    return last == null
        ? new PowerStateFailureException(message)
        : new PowerStateFailureException(message, last);
  }
}
