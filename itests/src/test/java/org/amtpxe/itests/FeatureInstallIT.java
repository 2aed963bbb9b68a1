package org.amtpxe.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.amtpxe.itests.support.Conductor;
import org.amtpxe.itests.support.FreePorts;
import org.amtpxe.itests.support.Http;
import org.amtpxe.itests.support.Listeners;
import org.amtpxe.itests.support.Poll;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Installs the top feature into a real Karaf, checks that the whole stack comes up, uninstalls it
 * and checks that nothing of ours is left running or open, then installs it again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureInstallIT extends KarafTestSupport {
  private static final Duration SETTLE = Duration.ofSeconds(30);

  /** Threads alive before the feature was first installed. */
  private static Set<Thread> baseline;

  // Injected once Karaf has installed its boot features: the features service may restart itself
  // until then, and a test holding the old one would fail.
  @Inject private BootFinished bootFinished;
  @Inject private BundleContext context;
  @Inject private FeaturesService features;
  @Inject private ServiceComponentRuntime scr;

  @Configuration
  public Option[] config() {
    return karaf();
  }

  @Before
  public void recordBaseline() {
    if (baseline == null) {
      baseline = Set.copyOf(Thread.getAllStackTraces().keySet());
    }
  }

  private Conductor conductor() {
    return new Conductor("127.0.0.1", intProperty(API_PORT));
  }

  private void install() throws Exception {
    features.installFeature("amtpxe", EnumSet.noneOf(FeaturesService.Option.class));
    assertThat(features.isInstalled(features.getFeature("amtpxe"))).isTrue();
    conductor().awaitUp(SETTLE);
  }

  @Test
  public void topFeatureBringsUpEveryBundleComponentAndDriver() throws Exception {
    install();

    for (String bsn : PROJECT_BUNDLES) {
      assertThat(bundle(bsn).getState()).as(bsn + " state").isEqualTo(Bundle.ACTIVE);
    }

    // Every component of ours is satisfied or active (none waits for a reference or config).
    List<String> unsatisfied = new ArrayList<>();
    for (String bsn : PROJECT_BUNDLES) {
      for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(bsn))) {
        waitForComponent(d);
        var configs = scr.getComponentConfigurationDTOs(d);
        if (configs.isEmpty()) {
          unsatisfied.add(d.name + " (no configuration)");
        }
        for (ComponentConfigurationDTO c : configs) {
          if (c.state != ComponentConfigurationDTO.ACTIVE
              && c.state != ComponentConfigurationDTO.SATISFIED) {
            unsatisfied.add(
                d.name + " state " + c.state + " " + Arrays.toString(c.unsatisfiedReferences));
          }
        }
      }
    }
    assertThat(unsatisfied).as("unsatisfied components").isEmpty();

    // Nothing in the container is left unresolved.
    List<String> notStarted =
        Arrays.stream(context.getBundles())
            .filter(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
            .filter(b -> b.getState() != Bundle.ACTIVE)
            .map(b -> b.getSymbolicName() + " " + b.getState())
            .collect(Collectors.toList());
    assertThat(notStarted).as("bundles not active").isEmpty();

    // The driver services are registered: AMT power and management, and the pxe_amt driver.
    assertThat(services("org.amtpxe.api.driver.PowerInterface", "(driver=amt)")).isNotEmpty();
    assertThat(services("org.amtpxe.api.driver.ManagementInterface", "(driver=amt)")).isNotEmpty();
    assertThat(services("org.amtpxe.api.driver.BareMetalDriver", "(driver.name=pxe_amt)"))
        .isNotEmpty();
    assertThat(conductor().http().get("/v1/drivers").ok().body()).contains("pxe_amt");
  }

  @Test
  public void uninstallLeavesNoServiceThreadPortOrOpenFileAndReinstallBringsTheNodesBack()
      throws Exception {
    install();
    int apiPort = intProperty(API_PORT);
    int tftpPort = intProperty(TFTP_PORT);
    int httpPort = intProperty(HTTP_PORT);
    Path data = Path.of(System.getProperty("karaf.data"), "amtpxe");
    // Use every listener and the database, so that each has its threads and files open.
    Conductor conductor = conductor();
    String name = "lifecycle-" + System.nanoTime();
    String uuid =
        (String) conductor.createNode(name, "127.0.91.1", 16992, "Lifecycle-P@ss1").get("uuid");
    conductor.createPort(uuid, "52:54:00:91:00:01");
    assertThat(Listeners.tftpAnswers(tftpPort)).as("TFTP answers on " + tftpPort).isTrue();
    assertThat(Http.of("http://127.0.0.1:" + httpPort).get("/no-such-file").status())
        .isEqualTo(404);
    assertThat(FreePorts.tcpFree(apiPort)).isFalse();
    assertThat(FreePorts.udpFree(tftpPort)).isFalse();
    assertThat(FreePorts.tcpFree(httpPort)).isFalse();
    assertThat(openFilesUnder(data)).as("open files under " + data).isNotEmpty();
    // The stack's threads can be told apart by their names, so a leak would be recognised.
    List<String> running = newThreads();
    assertThat(running).anySatisfy(t -> assertThat(t).startsWith("amtpxe-api-"));
    assertThat(running).anySatisfy(t -> assertThat(t).startsWith("amtpxe-pxe-http"));
    assertThat(running).anySatisfy(t -> assertThat(t).startsWith("amtpxe-tftp-listener"));
    assertThat(running).allSatisfy(t -> assertThat(isOurs(t)).as(t + " is named as ours").isTrue());

    features.uninstallFeature("amtpxe", EnumSet.noneOf(FeaturesService.Option.class));

    assertThat(
            Arrays.stream(context.getBundles())
                .map(Bundle::getSymbolicName)
                .filter(PROJECT_BUNDLES::contains))
        .as("our bundles after uninstall")
        .isEmpty();
    assertThat(ourServices()).as("our services after uninstall").isEmpty();
    Poll.until("our threads to end", SETTLE, FeatureInstallIT::newThreads, List::isEmpty);
    Poll.until(
        "ports " + apiPort + "/tcp, " + tftpPort + "/udp, " + httpPort + "/tcp to be free",
        SETTLE,
        () ->
            FreePorts.tcpFree(apiPort)
                && FreePorts.udpFree(tftpPort)
                && FreePorts.tcpFree(httpPort));
    Poll.until("no open file under " + data, SETTLE, () -> openFilesUnder(data), List::isEmpty);

    install();

    Map<String, Object> node = conductor.node(name);
    assertThat(node).containsEntry("uuid", uuid).containsEntry("driver", "pxe_amt");
    assertThat(conductor.ports())
        .anySatisfy(p -> assertThat(p).containsEntry("address", "52:54:00:91:00:01"));
    assertThat(Listeners.tftpAnswers(tftpPort)).isTrue();
  }

  /** Threads started since the baseline and alive, except the container's own. */
  private static List<String> newThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !baseline.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(n -> !isContainers(n))
        .sorted()
        .toList();
  }

  /** Our threads are named amtpxe-*; H2's carry its name (and the database path). */
  private static boolean isOurs(String name) {
    return name.startsWith("amtpxe-")
        || name.startsWith("H2-")
        || name.startsWith("MVStore background writer");
  }

  /**
   * Threads of the JVM, Felix, SCR, Karaf and Pax Exam that come and go on their own, and the JDK
   * HTTP client threads of the test's own REST calls (the stack does not use the JDK client).
   */
  private static boolean isContainers(String name) {
    return Stream.of(
            "RMI ",
            "JMX ",
            "Attach Listener",
            "process reaper",
            "ForkJoinPool.commonPool",
            "FelixResolver-",
            "FelixFrameworkWiring",
            "FelixStartLevel",
            "SCR Component Registry",
            "HttpClient-",
            "features-",
            // The features service resolves in a pool of its own (resolver-N-thread-M).
            "resolver-",
            "fileinstall-",
            "Karaf ")
        .anyMatch(name::startsWith);
  }

  /** Files of this JVM open under the directory, from /proc/self/fd. */
  private static List<String> openFilesUnder(Path dir) {
    Path real;
    try {
      real = Files.exists(dir) ? dir.toRealPath() : dir.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                  return ""; // closed meanwhile
                }
              })
          .filter(target -> target.startsWith(real.toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> ourServices() throws Exception {
    ServiceReference<?>[] all = context.getAllServiceReferences(null, null);
    return Arrays.stream(all == null ? new ServiceReference<?>[0] : all)
        .flatMap(r -> Arrays.stream((String[]) r.getProperty(Constants.OBJECTCLASS)))
        .filter(c -> c.startsWith("org.amtpxe"))
        .toList();
  }

  private List<ServiceReference<?>> services(String className, String filter) throws Exception {
    ServiceReference<?>[] refs = context.getAllServiceReferences(className, filter);
    return refs == null ? List.of() : Arrays.asList(refs);
  }

  private Bundle bundle(String bsn) {
    return Arrays.stream(context.getBundles())
        .filter(b -> bsn.equals(b.getSymbolicName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("bundle " + bsn + " is not installed"));
  }

  private void waitForComponent(ComponentDescriptionDTO d) {
    Poll.until(
        "component " + d.name + " to be satisfied",
        Duration.ofSeconds(10),
        () -> scr.getComponentConfigurationDTOs(d),
        configs ->
            !configs.isEmpty()
                && configs.stream()
                    .allMatch(
                        c ->
                            c.state == ComponentConfigurationDTO.ACTIVE
                                || c.state == ComponentConfigurationDTO.SATISFIED));
  }
}
