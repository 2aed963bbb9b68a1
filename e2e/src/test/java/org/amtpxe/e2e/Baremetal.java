package org.amtpxe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code baremetal} CLI (python3-ironicclient), run inside the lab's namespace against the
 * conductor's API over HTTPS, trusting its certificate ({@code --os-cacert}), with HTTP Basic
 * credentials (given in the environment, not on the command line).
 */
final class Baremetal {
  private final ObjectMapper mapper = new ObjectMapper();
  private final Lab lab;
  private final String endpoint;
  private final Map<String, String> env;
  private final java.nio.file.Path cacert;

  Baremetal(Lab lab, String endpoint, String user, String password, java.nio.file.Path cacert) {
    this.lab = lab;
    this.endpoint = endpoint;
    this.cacert = cacert;
    this.env =
        Map.of(
            "OS_AUTH_TYPE",
            "http_basic",
            "OS_USERNAME",
            user,
            "OS_PASSWORD",
            password,
            "PYTHONWARNINGS",
            "ignore");
  }

  /** Runs a command; fails the test with the CLI's error output if it fails. */
  String run(String... args) throws IOException {
    Lab.Result r = result(args);
    if (!r.ok()) {
      throw new AssertionError(
          "baremetal " + String.join(" ", args) + " failed (exit " + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  /** Runs a command that prints JSON ({@code -f json} is added). */
  JsonNode json(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("-f");
    all.add("json");
    return mapper.readTree(run(all.toArray(String[]::new)));
  }

  /** Runs a command and returns what happened, failed or not. */
  Lab.Result result(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of("baremetal", "--os-endpoint", endpoint, "--os-cacert", cacert.toString()));
    command.addAll(List.of(args));
    return lab.nsResult(Duration.ofSeconds(120), env, command);
  }

  /**
   * POSTs JSON to the API with curl, as an operator scripts a call the CLI cannot make: {@code
   * baremetal driver passthru call} of python-ironicclient 5.0.1 cannot print a JSON object answer.
   * The credentials go through a private curl config file, not the command line.
   */
  JsonNode post(String path, String json) throws IOException {
    java.nio.file.Path config =
        java.nio.file.Files.createTempFile(
            "curl-",
            ".conf",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    try {
      java.nio.file.Files.writeString(
          config, "user = \"" + env.get("OS_USERNAME") + ":" + env.get("OS_PASSWORD") + "\"\n");
      Lab.Result r =
          lab.nsResult(
              Duration.ofSeconds(120),
              Map.of(),
              List.of(
                  "curl",
                  "-sS",
                  "--fail-with-body",
                  "--config",
                  config.toString(),
                  "--cacert",
                  cacert.toString(),
                  "-H",
                  "Content-Type: application/json",
                  "-H",
                  "X-OpenStack-Ironic-API-Version: 1.78",
                  "-d",
                  json,
                  endpoint + path));
      if (!r.ok()) {
        throw new AssertionError(
            "POST " + path + " failed (exit " + r.exit() + "): " + r.out() + r.err());
      }
      return mapper.readTree(r.out());
    } finally {
      java.nio.file.Files.deleteIfExists(config);
    }
  }

  /** The node's provision state. */
  String provisionState(String node) throws IOException {
    return json("node", "show", node, "-c", "provision_state").path("provision_state").asText();
  }
}
