package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.router.config.Environment;
import io.hedgerow.router.config.GatewaySettings;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mistaken config stops Hedgerow before it serves anything, with a message that names the config path
 * and what is wrong with it; the process exits with status 2.
 */
class ConfigErrorsTest {
  private static final String PROVIDER = "p { kind = openai, base-url = \"http://127.0.0.1:9/v1\" }";

  private static Config config(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static String rejection(String hocon) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> GatewaySettings.load(config(hocon), Environment.of(Map.of()), UnaryOperator.identity()));
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
  }

  @Test
  void unknownProviderKindIsRejectedNamingItsPathAndTheKnownKinds() {
    String message = rejection("hedgerow.providers { p { kind = opnai, base-url = \"http://127.0.0.1:9/v1\" } }");

    assertMentions(message, "hedgerow.providers.p.kind", "'opnai'", "openai", "anthropic", "gemini");
  }

  @Test
  void upstreamConnectionLimitsBelowTheIoThreadsAreRejectedNamingTheirPath() {
    String message = rejection("hedgerow { providers { " + PROVIDER + " }, "
        + "upstream.connections { io-threads = 4, max-connections-per-host = 2 } }");

    assertMentions(message, "hedgerow.upstream.connections", "max-connections-per-host");
  }

  @Test
  void upstreamConnectionSettingsAreReadFromTheirBlock() {
    GatewaySettings settings = GatewaySettings.load(config("hedgerow { providers { " + PROVIDER + " }, "
        + "upstream.connections { io-threads = 2, max-connections-per-host = 64, connect-timeout = 3s } }"),
        Environment.of(Map.of()), UnaryOperator.identity());

    assertEquals(2, settings.upstreamConnections().ioThreads());
    assertEquals(64, settings.upstreamConnections().maxConnectionsPerOrigin());
    assertEquals(java.time.Duration.ofSeconds(3), settings.upstreamConnections().connectTimeout());
    assertEquals(4096, settings.upstreamConnections().maxWaitingPerOrigin(), "the default");
  }

  @Test
  void modelNamingAnUnknownProviderIsRejectedNamingItsPath() {
    String message = rejection("hedgerow { providers { " + PROVIDER + " }, "
        + "models { m { provider = q, upstream-model = x } } }");

    assertMentions(message, "hedgerow.models.m.provider", "'q'");
  }

  @Test
  void routeTargetThatIsNotAModelAliasIsRejectedNamingItsPath() {
    String message = rejection("hedgerow { providers { " + PROVIDER + " }, "
        + "models { m { provider = p, upstream-model = x } }, routes { r { targets = [m, n] } } }");

    assertMentions(message, "hedgerow.routes.r.targets", "'n'");
  }

  @Test
  void routeWithNoTargetsIsRejectedNamingItsPath() {
    String message = rejection("hedgerow { providers { " + PROVIDER + " }, "
        + "models { m { provider = p, upstream-model = x } }, routes { r { targets = [] } } }");

    assertMentions(message, "hedgerow.routes.r.targets", "at least one target");
  }

  @Test
  void zeroMaxConcurrentIsRejectedNamingItsPath() {
    String message = rejection(
        "hedgerow.providers { p { kind = openai, base-url = \"http://127.0.0.1:9/v1\", limits.max-concurrent = 0 } }");

    assertMentions(message, "hedgerow.providers.p.limits.max-concurrent");
  }

  @Test
  void maxConcurrentOutsideLimitsIsRejectedSayingWhereItMoved() {
    String message = rejection(
        "hedgerow.providers { p { kind = openai, base-url = \"http://127.0.0.1:9/v1\", max-concurrent = 8 } }");

    assertMentions(message, "hedgerow.providers.p.max-concurrent", "limits.max-concurrent");
  }

  @Test
  void requestsPerMinuteMustBeOffOrPositive() {
    String message = rejection(
        "hedgerow.providers { p { kind = openai, base-url = \"http://127.0.0.1:9/v1\", limits.requests-per-minute = lots } }");

    assertMentions(message, "hedgerow.providers.p.limits.requests-per-minute", "off or a positive number");
  }

  @Test
  void errorRateAboveOneIsRejectedNamingItsPath() {
    String message = rejection(
        "hedgerow.providers { p { kind = openai, base-url = \"http://127.0.0.1:9/v1\", circuit-breaker.error-rate = 1.5 } }");

    assertMentions(message, "hedgerow.providers.p.circuit-breaker.error-rate");
  }

  @Test
  void simulatorBaseUrlWithNoSuchSimulatorRunningFailsTheStartNamingItsPath() {
    Config config = config("""
        hedgerow {
          http.port = 0
          sim.embedded = on
          sim.instances = [ { name = y } ]
          providers { p { kind = openai, base-url = "sim://x/v1" } }
        }
        """);

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> Gateway.start(config, Environment.of(Map.of())).toCompletableFuture().get(30, TimeUnit.SECONDS));

    ConfigException cause = assertInstanceOf(ConfigException.class, e.getCause());
    assertMentions(cause.getMessage(), "hedgerow.providers.p.base-url", "sim://x/v1");
  }

  @Test
  void shippedConfigLoadsAndRoutesChatOverItsThreeSimulatedProviders() {
    File shipped = Paths.get("../config/hedgerow.conf").toFile();
    assertTrue(shipped.isFile(), "run from the router module: " + shipped.getAbsolutePath());

    GatewaySettings settings = GatewaySettings.load(HedgerowMain.load(shipped), Environment.of(Map.of()),
        UnaryOperator.identity());

    Route chat = settings.routes().resolve("chat").orElseThrow();
    assertEquals(List.of("flaky", "fast", "slow-tail"), chat.candidates().stream().map(Candidate::provider).toList());
  }

  @Test
  void brokenConfigFileMakesTheProcessExitWith2NamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.conf");
    Files.writeString(file, "hedgerow.providers { p { kind = opnai, base-url = \"http://127.0.0.1:9/v1\" } }\n");

    Exit exit = runMain(file, dir);

    assertEquals(2, exit.status(), exit.stderr());
    assertMentions(exit.stderr(), file.toString(), "hedgerow.providers.p.kind", "opnai");
  }

  @Test
  void aBadDispatcherSettingMakesTheProcessExitWith2NamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("busy.conf");
    Files.writeString(file, "hedgerow.providers { " + PROVIDER + " }\n"
        + "pekko.actor.default-dispatcher.event-loop-executor.busy-poll = -1ms\n");

    Exit exit = runMain(file, dir);

    assertEquals(2, exit.status(), exit.stderr());
    assertMentions(exit.stderr(), file.toString(), "pekko.actor.default-dispatcher.event-loop-executor.busy-poll",
        "must not be negative");
  }

  @Test
  void missingConfigFileMakesTheProcessExitWith2NamingTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("no-such.conf");

    Exit exit = runMain(file, dir);

    assertEquals(2, exit.status(), exit.stderr());
    assertMentions(exit.stderr(), file.toString());
  }

  private record Exit(int status, String stderr) {}

  private static Exit runMain(Path configFile, Path dir) throws IOException, InterruptedException {
    Path stderr = dir.resolve("stderr.txt");
    Process process = new ProcessBuilder(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dhedgerow.http.port=0",
        "-cp", System.getProperty("java.class.path"),
        HedgerowMain.class.getName(), configFile.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile())
        .start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("HedgerowMain still running after 30 s; stderr: " + Files.readString(stderr));
      }
      return new Exit(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      process.destroyForcibly();
    }
  }
}
