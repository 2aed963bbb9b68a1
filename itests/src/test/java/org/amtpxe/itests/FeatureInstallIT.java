package org.amtpxe.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.amtpxe.api.driver.BareMetalDriver;
import org.amtpxe.api.driver.ManagementInterface;
import org.amtpxe.api.driver.PowerInterface;
import org.apache.karaf.features.FeaturesService;
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
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Installs the top feature into a real Karaf and checks that the whole stack comes up. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureInstallIT extends KarafTestSupport {

  @Inject private BundleContext context;
  @Inject private FeaturesService features;
  @Inject private ServiceComponentRuntime scr;

  @Configuration
  public Option[] config() {
    return karaf();
  }

  @Test
  public void topFeatureBringsUpEveryBundleComponentAndDriver() throws Exception {
    features.installFeature("amtpxe", EnumSet.noneOf(FeaturesService.Option.class));
    assertTrue(features.isInstalled(features.getFeature("amtpxe")));

    for (String bsn : PROJECT_BUNDLES) {
      Bundle b = bundle(bsn);
      assertEquals(bsn + " state", Bundle.ACTIVE, b.getState());
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
    assertTrue("unsatisfied components: " + unsatisfied, unsatisfied.isEmpty());

    // Nothing in the container is left unresolved.
    List<String> notStarted =
        Arrays.stream(context.getBundles())
            .filter(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
            .filter(b -> b.getState() != Bundle.ACTIVE)
            .map(b -> b.getSymbolicName() + " " + b.getState())
            .collect(Collectors.toList());
    assertTrue("bundles not active: " + notStarted, notStarted.isEmpty());

    // The driver services are registered: AMT power and management, and the pxe_amt driver.
    assertTrue(!context.getServiceReferences(PowerInterface.class, "(driver=amt)").isEmpty());
    assertTrue(!context.getServiceReferences(ManagementInterface.class, "(driver=amt)").isEmpty());
    assertTrue(
        !context.getServiceReferences(BareMetalDriver.class, "(driver.name=pxe_amt)").isEmpty());
  }

  private Bundle bundle(String bsn) {
    return Arrays.stream(context.getBundles())
        .filter(b -> bsn.equals(b.getSymbolicName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("bundle " + bsn + " is not installed"));
  }

  private void waitForComponent(ComponentDescriptionDTO d) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      boolean ready =
          scr.getComponentConfigurationDTOs(d).stream()
              .allMatch(
                  c ->
                      c.state == ComponentConfigurationDTO.ACTIVE
                          || c.state == ComponentConfigurationDTO.SATISFIED);
      if (ready && !scr.getComponentConfigurationDTOs(d).isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
  }
}
