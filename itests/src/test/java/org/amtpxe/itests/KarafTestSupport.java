package org.amtpxe.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.amtpxe.itests.support.FreePorts;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;

/**
 * What every Karaf test shares: the real Karaf distribution from Maven, resolving artifacts from
 * the build's local repository (and Maven Central only), our features repository, AssertJ in the
 * container, and the ports and files of the build passed in as system properties.
 *
 * <p>The container-side code of a test must not use types of the bundles under test in classes that
 * outlive an uninstall (the probe would be wired to them and refreshed with them): look services up
 * by class name where bundles come and go.
 */
public abstract class KarafTestSupport {

  /** Symbolic names of the project's bundles. */
  protected static final List<String> PROJECT_BUNDLES =
      List.of(
          "org.amtpxe.bundle-api",
          "org.amtpxe.bundle-amt",
          "org.amtpxe.bundle-pxe",
          "org.amtpxe.bundle-conductor");

  /** System property: the REST API port of the Karaf under test. */
  protected static final String API_PORT = "amtpxe.itest.apiPort";

  /** System property: the TFTP port of the Karaf under test. */
  protected static final String TFTP_PORT = "amtpxe.itest.tftpPort";

  /** System property: the HTTP boot server port of the Karaf under test. */
  protected static final String HTTP_PORT = "amtpxe.itest.httpPort";

  /** System property: target/it of the build (jars prepared for the tests). */
  protected static final String IT_DIR = "amtpxe.itest.dir";

  /** System property: the virtual AMT's standalone jar. */
  protected static final String VIRTUAL_AMT_JAR = "amtpxe.itest.virtualAmtJar";

  /** System property: Bundle-Version and amt.version of the second build of bundle-amt. */
  protected static final String HOTSWAP_VERSION = "amtpxe.itest.hotswapVersion";

  protected static MavenArtifactUrlReference featuresRepository() {
    return maven()
        .groupId("org.amtpxe")
        .artifactId("features")
        .classifier("features")
        .type("xml")
        .versionAsInProject();
  }

  /** target/it of the build, in the driver and in the container. */
  protected static Path itDir() {
    String dir = System.getProperty(IT_DIR);
    if (dir == null) {
      throw new IllegalStateException(
          IT_DIR + " is not set: run the integration tests through Maven (mvn -pl itests verify).");
    }
    return Path.of(dir);
  }

  /** The virtual AMT's standalone jar, from the pom. */
  protected static Path virtualAmtJar() {
    String jar = System.getProperty(VIRTUAL_AMT_JAR);
    return jar == null ? itDir().resolve("virtual-amt-standalone.jar") : Path.of(jar);
  }

  /** An integer system property set by the test's configuration. */
  protected static int intProperty(String key) {
    String value = System.getProperty(key);
    if (value == null) {
      throw new IllegalStateException(key + " is not set in the container");
    }
    return Integer.parseInt(value);
  }

  /**
   * The container options: free ports for our listeners (on 127.0.0.1), plus the given options.
   * Runs in the driver, before the container starts.
   */
  protected static Option[] karaf(Option... extra) {
    String localRepo = System.getProperty("amtpxe.localRepository");
    String central = System.getProperty("amtpxe.centralUrl", "https://repo1.maven.org/maven2");
    int apiPort = FreePorts.tcp();
    int tftpPort = FreePorts.udp();
    int httpPort = FreePorts.tcp();
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
                logLevel(LogLevel.valueOf(System.getProperty("amtpxe.itest.logLevel", "WARN"))),
                systemTimeout(180_000),
                editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository",
                    localRepo),
                editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.repositories",
                    central + "@id=central"),
                // Our listeners on loopback and free ports, off a developer's ./run.
                editConfigurationFilePut(
                    "etc/org.amtpxe.conductor.cfg", "api_port", String.valueOf(apiPort)),
                editConfigurationFilePut("etc/org.amtpxe.conductor.cfg", "api_host", "127.0.0.1"),
                editConfigurationFilePut("etc/org.amtpxe.pxe.cfg", "tftp_address", "127.0.0.1"),
                editConfigurationFilePut(
                    "etc/org.amtpxe.pxe.cfg", "tftp_port", String.valueOf(tftpPort)),
                editConfigurationFilePut("etc/org.amtpxe.pxe.cfg", "http_address", "127.0.0.1"),
                editConfigurationFilePut(
                    "etc/org.amtpxe.pxe.cfg", "http_port", String.valueOf(httpPort)),
                systemProperty(API_PORT).value(String.valueOf(apiPort)),
                systemProperty(TFTP_PORT).value(String.valueOf(tftpPort)),
                systemProperty(HTTP_PORT).value(String.valueOf(httpPort)),
                systemProperty(IT_DIR).value(itDir().toAbsolutePath().toString()),
                systemProperty(VIRTUAL_AMT_JAR).value(virtualAmtJar().toAbsolutePath().toString()),
                systemProperty(HOTSWAP_VERSION).value(System.getProperty(HOTSWAP_VERSION, "")),
                // AssertJ in the probe.
                mavenBundle("net.bytebuddy", "byte-buddy").versionAsInProject(),
                mavenBundle("org.assertj", "assertj-core").versionAsInProject(),
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
