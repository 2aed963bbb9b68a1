package org.amtpxe.amt.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.fake.TestSettings;
import org.amtpxe.amt.internal.AmtGateway;
import org.amtpxe.api.error.AuthenticationFailedException;
import org.amtpxe.api.error.InvalidParameterValueException;
import org.apache.karaf.shell.api.console.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The amt:* shell commands, run through execute() against the fake AMT. */
class AmtCommandsTest {
  private FakeAmt amt;
  private AmtGateway gateway;

  @BeforeEach
  void start() throws Exception {
    amt = FakeAmt.start();
    gateway = TestSettings.gateway(TestSettings.settings());
  }

  @AfterEach
  void stop() {
    gateway.close();
    amt.close();
  }

  private <T extends AmtCommand> T command(T command) {
    command.gateway = gateway;
    command.address = "127.0.0.1";
    command.port = Integer.toString(amt.port());
    command.username = FakeAmt.USER;
    command.password = FakeAmt.PASSWORD;
    return command;
  }

  @Test
  void powerStateReportsStateAndWhatMayBeRequested() throws Exception {
    amt.model.powerState = 8;

    Object out = command(new PowerStateCommand()).execute();

    assertThat(out).isEqualTo("power off (PowerState 8 (Off - Soft)); may request [2]");
  }

  @Test
  void powerOnOffAndResetSendTheirRequests() throws Exception {
    assertThat(command(new PowerOnCommand()).execute())
        .isEqualTo("Requested power on (PowerState 2 (On)).");
    assertThat(amt.model.powerState).isEqualTo(2);

    assertThat(command(new ResetCommand()).execute()).asString().contains("10 (Master Bus Reset)");
    assertThat(command(new PowerOffCommand()).execute()).asString().contains("8 (Off - Soft)");
    assertThat(amt.model.powerState).isEqualTo(8);
    assertThat(amt.model.calls())
        .containsExactly(
            "RequestPowerStateChange 2", "RequestPowerStateChange 10", "RequestPowerStateChange 8");
  }

  @Test
  void refusedPowerRequestIsAnErrorForTheConsole() {
    amt.model.powerState = 8;

    assertThatThrownBy(() -> command(new PowerOffCommand()).execute())
        .hasMessageContaining("ReturnValue 2");
  }

  @Test
  void bootOnceArmsTheDevice() throws Exception {
    BootOnceCommand command = command(new BootOnceCommand());
    command.device = "pxe";

    Object out = command.execute();

    assertThat(out).asString().contains("will use pxe (intel sequence)");
    assertThat(amt.model.bootSource).isEqualTo("Intel(r) AMT: Force PXE Boot");
    assertThat(amt.model.role).isEqualTo(1);
  }

  @Test
  void bootOnceRejectsAnUnknownDevice() {
    BootOnceCommand command = command(new BootOnceCommand());
    command.device = "floppy";

    assertThatThrownBy(command::execute)
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("use pxe, disk, cdrom or bios");
    assertThat(amt.requests()).isZero();
  }

  @Test
  void missingPasswordIsPromptedWithoutEcho() throws Exception {
    List<Object> prompts = new ArrayList<>();
    PowerStateCommand command = command(new PowerStateCommand());
    command.password = null;
    command.session =
        (Session)
            Proxy.newProxyInstance(
                Session.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("readLine")) {
                    prompts.add(args[0]);
                    prompts.add(args[1]);
                    return FakeAmt.PASSWORD;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });

    command.execute();

    assertThat(prompts).containsExactly("AMT password for admin@127.0.0.1: ", '*');
  }

  @Test
  void missingPasswordWithoutAConsoleSaysWhatToDo() {
    PowerStateCommand command = command(new PowerStateCommand());
    command.password = null;

    assertThatThrownBy(command::execute).hasMessageContaining("give --password");
  }

  @Test
  void wrongPasswordIsReportedWithoutIt() {
    PowerStateCommand command = command(new PowerStateCommand());
    command.password = "not-The-Password";

    assertThatThrownBy(command::execute)
        .isInstanceOf(AuthenticationFailedException.class)
        .hasMessageContaining("AMT 127.0.0.1")
        .hasMessageNotContaining("not-The-Password");
  }

  @Test
  void optionsAreCheckedLikeDriverInfo() {
    PowerStateCommand command = command(new PowerStateCommand());
    command.fingerprint = "ab".repeat(32);

    assertThatThrownBy(command::execute)
        .isInstanceOf(InvalidParameterValueException.class)
        .hasMessageContaining("amt_cert_fingerprint is set but the protocol is http");
  }
}
