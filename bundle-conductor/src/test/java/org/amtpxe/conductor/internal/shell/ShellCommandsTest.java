package org.amtpxe.conductor.internal.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amtpxe.api.model.Inspection;
import org.amtpxe.api.model.Node;
import org.amtpxe.api.model.PowerState;
import org.amtpxe.api.model.ProvisionState;
import org.amtpxe.conductor.internal.service.ConductorException;
import org.amtpxe.conductor.internal.state.ProvisionAction;
import org.amtpxe.conductor.internal.store.NodeQuery;
import org.amtpxe.conductor.internal.testing.TestConductor;
import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShellCommandsTest {
  private final TestConductor c = new TestConductor(Runnable::run);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  @AfterEach
  void close() {
    c.close();
  }

  private <T extends ConductorAction> T wire(T command) {
    command.conductor = c.service;
    command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    return command;
  }

  private String output() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private Node createViaShell() throws Exception {
    NodeCreateCommand create = wire(new NodeCreateCommand());
    create.driver = "fake";
    create.name = "sh1";
    create.driverInfo = List.of("fake_address=10.0.0.3", "fake_password=secret-pw");
    create.properties = List.of("cpus=2");
    create.execute();
    return c.service.nodes().node("sh1");
  }

  @Test
  void nodeCreateListAndShowMaskSecrets() throws Exception {
    Node n = createViaShell();
    assertThat(n.driverInfo()).containsEntry("fake_password", "secret-pw");

    wire(new NodeListCommand()).execute();
    NodeShowCommand show = wire(new NodeShowCommand());
    show.node = "sh1";
    show.execute();

    assertThat(output()).contains("Created node " + n.uuid()).contains("sh1").contains("enroll");
    assertThat(output()).contains("******").doesNotContain("secret-pw");
  }

  @Test
  void nodeCreateRejectsAMalformedKeyValue() {
    NodeCreateCommand create = wire(new NodeCreateCommand());
    create.driver = "fake";
    create.driverInfo = List.of("novalue");

    assertThatThrownBy(create::execute).hasMessageContaining("expects key=value");
    assertThat(c.store.countNodes()).isZero();
  }

  @Test
  void bootHistoryShowsTheEventsNewestFirstWithTheirCount() throws Exception {
    createViaShell();
    java.time.Instant t = java.time.Instant.parse("2026-12-04T13:00:00Z");
    c.driver.setBootHistory(
        new org.amtpxe.api.driver.BootHistory(
            List.of(
                new org.amtpxe.api.driver.BootEvent(
                    t.plusSeconds(30),
                    org.amtpxe.api.driver.BootEvent.Kind.BOOT_DEVICE,
                    org.amtpxe.api.model.BootDevice.DISK,
                    "Booting from the hard disk (C:)",
                    "information",
                    "BIOS",
                    "ab".repeat(21)),
                new org.amtpxe.api.driver.BootEvent(
                    t,
                    org.amtpxe.api.driver.BootEvent.Kind.BOOT_DEVICE,
                    org.amtpxe.api.model.BootDevice.PXE,
                    "Booting from the network (PXE)",
                    "information",
                    "BIOS",
                    "cd".repeat(21))),
            t.plusSeconds(60),
            2,
            false));
    BootHistoryCommand history = wire(new BootHistoryCommand());
    history.node = "sh1";
    history.limit = 1;
    history.raw = true;

    history.execute();

    assertThat(output())
        .contains("2026-12-04T13:00:30Z")
        .contains("Booting from the hard disk (C:)")
        .contains("ab".repeat(21))
        .doesNotContain("Booting from the network")
        .contains("1 of 2 events, read in 2 requests");
    c.driver.setBootHistorySupported(false);
    assertThatThrownBy(history::execute).hasMessageContaining("reads no boot history");
  }

  @Test
  void powerBootDeviceAndProvision() throws Exception {
    Node n = createViaShell();
    PowerCommand power = wire(new PowerCommand());
    power.node = "sh1";
    power.action = "on";
    power.execute();
    assertThat(c.reload(n).powerState()).isEqualTo(PowerState.POWER_ON);
    power.action = "nmi";
    power.execute();
    assertThat(c.driver.calls("power.nmi")).hasSize(1);
    power.action = "sideways";
    assertThatThrownBy(power::execute).hasMessageContaining("Unknown power action");

    BootDeviceCommand boot = wire(new BootDeviceCommand());
    boot.node = "sh1";
    boot.device = "pxe";
    boot.persistent = true;
    boot.execute();
    boot.device = null;
    boot.execute();
    assertThat(output()).contains("pxe (persistent)");

    ProvisionCommand provision = wire(new ProvisionCommand());
    provision.node = "sh1";
    provision.action = "manage";
    provision.execute();
    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    provision.action = "deploy";
    assertThatThrownBy(provision::execute)
        .isInstanceOf(ConductorException.class)
        .hasMessageContaining("while it is in state \"manageable\"");

    ValidateCommand validate = wire(new ValidateCommand());
    validate.node = "sh1";
    validate.execute();
    assertThat(output()).contains("management").contains("image_source");
  }

  @Test
  void nodeInspectWaitsAndPrintsPropertiesPortsAndWhatWasNotRead() throws Exception {
    Node n = createViaShell();
    c.service.provision().changeProvisionState(n.uuid(), ProvisionAction.MANAGE);
    c.driver.setInspection(
        new Inspection(
            Map.of(
                "cpu", Map.of("count", 6),
                "interfaces", List.of(Map.of("name", "eth0", "mac_address", "52:54:00:00:30:01"))),
            List.of("memory: CIM_PhysicalMemory not supported")));
    NodeInspectCommand inspect = wire(new NodeInspectCommand());
    inspect.node = "sh1";
    inspect.await = true;
    inspect.poll = java.time.Duration.ofMillis(1);

    inspect.execute();

    assertThat(c.reload(n).provisionState()).isEqualTo(ProvisionState.MANAGEABLE);
    assertThat(output())
        .contains("manageable")
        .contains("cpus: 6")
        .contains("52:54:00:00:30:01 (pxe)")
        .contains("memory: CIM_PhysicalMemory not supported");

    c.driver.failOn(
        "inspect.inspect", new org.amtpxe.api.error.ConnectionFailedException("AMT is down"));
    inspect.execute();
    assertThat(output()).contains("inspect failed").contains("AMT is down");

    inspect.await = false;
    c.driver.clearFailures();
    inspect.execute();
    assertThat(output()).contains("Inspection started for node sh1");
  }

  @Test
  void portsAndDrivers() throws Exception {
    Node n = createViaShell();
    PortCreateCommand create = wire(new PortCreateCommand());
    create.address = "52:54:00:AB:CD:EF";
    create.node = "sh1";
    create.execute();

    PortListCommand list = wire(new PortListCommand());
    list.node = "sh1";
    list.execute();
    assertThat(output()).contains("52:54:00:ab:cd:ef").contains(n.uuid());

    PortDeleteCommand delete = wire(new PortDeleteCommand());
    delete.port = c.service.ports().ports(null, null).get(0).uuid();
    delete.execute();
    assertThat(c.service.ports().ports(null, null)).isEmpty();

    wire(new DriverListCommand()).execute();
    assertThat(output()).contains("fake").contains("yes");

    NodeDeleteCommand nodeDelete = wire(new NodeDeleteCommand());
    nodeDelete.node = "sh1";
    nodeDelete.execute();
    assertThat(c.service.nodes().nodes(NodeQuery.all())).isEmpty();
  }

  @Test
  void completerOffersNamesAndUuids() throws Exception {
    Node n = createViaShell();
    NodeCompleter completer = new NodeCompleter();
    completer.conductor = c.service;
    List<String> candidates = new ArrayList<>();

    completer.complete(null, commandLine("sh"), candidates);

    assertThat(candidates).extracting(String::strip).contains("sh1");
    candidates.clear();
    completer.complete(null, commandLine(n.uuid().substring(0, 4)), candidates);
    assertThat(candidates).extracting(String::strip).contains(n.uuid());
  }

  private static CommandLine commandLine(String word) {
    return new CommandLine() {
      @Override
      public int getCursorArgumentIndex() {
        return 1;
      }

      @Override
      public String getCursorArgument() {
        return word;
      }

      @Override
      public int getArgumentPosition() {
        return word.length();
      }

      @Override
      public String[] getArguments() {
        return new String[] {"baremetal:node-show", word};
      }

      @Override
      public int getBufferPosition() {
        return 20 + word.length();
      }

      @Override
      public String getBuffer() {
        return "baremetal:node-show " + word;
      }
    };
  }

  @Test
  void nodeConsoleAttachesTypesAndDetachesOnCtrlBracket() throws Exception {
    String uuid = c.enroll("shell-console").uuid();
    c.service.consoles().setEnabled(uuid, true);
    NodeConsoleCommand attach = wire(new NodeConsoleCommand());
    attach.node = "shell-console";
    java.util.concurrent.CountDownLatch echoed = new java.util.concurrent.CountDownLatch(1);
    attach.keys =
        new java.io.InputStream() {
          private final byte[] script = "whoami\r".getBytes(StandardCharsets.US_ASCII);
          private int at;

          @Override
          public int read() throws java.io.IOException {
            if (at == 0) {
              // Keys typed before the bridge opened its session are lost, as on a serial line.
              long open = System.nanoTime() + 5_000_000_000L;
              while (!c.driver.serial().isOpen(uuid) && System.nanoTime() < open) {
                sleep();
              }
            }
            if (at < script.length) {
              return script[at++];
            }
            try {
              // Detach only once the host's echo reached the screen.
              long deadline = System.nanoTime() + 5_000_000_000L;
              while (!output().contains("whoami") && System.nanoTime() < deadline) {
                Thread.sleep(10);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            echoed.countDown();
            return NodeConsoleCommand.DETACH;
          }

          private void sleep() {
            try {
              Thread.sleep(10);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };

    attach.execute();

    assertThat(echoed.getCount()).isZero();
    assertThat(output())
        .contains("Attached to tcp://127.0.0.1:")
        .contains("whoami")
        .contains("Detached from the console of node shell-console.");
  }

  @Test
  void nodeConsoleRefusesADisabledConsoleAndSaysHowToEnableIt() throws Exception {
    c.enroll("shell-console-off");
    NodeConsoleCommand attach = wire(new NodeConsoleCommand());
    attach.node = "shell-console-off";

    assertThatThrownBy(attach::execute)
        .hasMessageContaining("is not enabled")
        .hasMessageContaining("baremetal console enable shell-console-off");
  }
}
