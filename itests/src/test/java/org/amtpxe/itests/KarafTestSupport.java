package org.amtpxe.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;

/**
 * What every Karaf test shares: the real Karaf distribution from Maven, resolving artifacts from
 * the build's local repository (and Maven Central only), and our features repository.
 */
public abstract class KarafTestSupport {

  /** Symbolic names of the project's bundles. */
  protected static final List<String> PROJECT_BUNDLES =
      List.of(
          "org.amtpxe.bundle-api",
          "org.amtpxe.bundle-amt",
          "org.amtpxe.bundle-pxe",
          "org.amtpxe.bundle-conductor");

  protected static MavenArtifactUrlReference featuresRepository() {
    return maven()
        .groupId("org.amtpxe")
        .artifactId("features")
        .classifier("features")
        .type("xml")
        .versionAsInProject();
  }

  /** The container options, plus the features to boot with (none: the test installs them). */
  protected static Option[] karaf(Option... extra) {
    String localRepo = System.getProperty("amtpxe.localRepository");
    String central = System.getProperty("amtpxe.centralUrl", "https://repo1.maven.org/maven2");
    List<Option> options =
        new ArrayList<>(
            List.of(
                karafDistributionConfiguration()
                    .frameworkUrl(
                        maven()
                            .groupId("org.apache.karaf")
                            .artifactId("apache-karaf")
                            .type("tar.gz")
                            .versionAsInProject())
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                systemTimeout(180_000),
                editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository",
                    localRepo),
                editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.repositories",
                    central + "@id=central"),
                // Keep our listeners off the ports a developer's ./run may be using.
                editConfigurationFilePut(
                    "etc/org.amtpxe.conductor.cfg",
                    "api_port",
                    System.getProperty("amtpxe.itest.apiPort", "16385")),
                // SCR at boot, so the probe can see its runtime API; our features come from the
                // test.
                features(
                    maven()
                        .groupId("org.apache.karaf.features")
                        .artifactId("standard")
                        .classifier("features")
                        .type("xml")
                        .versionAsInProject(),
                    "scr"),
                features(featuresRepository())));
    if (Boolean.getBoolean("amtpxe.itest.keep")) {
      options.add(keepRuntimeFolder());
    }
    options.addAll(Arrays.asList(extra));
    return options.toArray(new Option[0]);
  }
}
