package io.hedgerow.router.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.sim.SimServer;
import io.hedgerow.router.Gateway;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.actor.ProviderSnapshot;
import io.hedgerow.router.config.Environment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A real gateway for tests: started from HOCON over the reference config, on an ephemeral loopback
 * port, with its embedded simulated providers on ephemeral ports too. Close it when done.
 */
public final class RunningGateway implements AutoCloseable {
  private final Gateway gateway;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunningGateway(Gateway gateway) {
    this.gateway = gateway;
  }

  /**
   * {@code hocon} holds the {@code hedgerow { … }} settings of the test; the port is always ephemeral.
   * Metrics are off unless the test turns them on: Kamon is one per JVM, and many gateways share it here.
   */
  public static RunningGateway start(String hocon) {
    return start(hocon, Environment.of(Map.of()));
  }

  public static RunningGateway start(String hocon, Environment env) {
    Config config = ConfigFactory.parseString("hedgerow.http.port = 0\nhedgerow.http.shutdown-deadline = 5s")
        .withFallback(ConfigFactory.parseString(hocon))
        .withFallback(ConfigFactory.parseString("hedgerow.metrics.enabled = off"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    try {
      return new RunningGateway(Gateway.start(config, env).toCompletableFuture().get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("The gateway did not start: " + e.getMessage(), e);
    }
  }

  public Gateway gateway() {
    return gateway;
  }

  public String baseUrl() {
    return gateway.baseUrl();
  }

  public SimServer sim(String name) {
    SimServer s = gateway.simulators().get(name);
    if (s == null) throw new IllegalArgumentException("no simulator " + name);
    return s;
  }

  public HttpResponse<String> post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpClient client() {
    return client;
  }

  public ProviderSnapshot snapshot(String provider) {
    try {
      return AskPattern.<ProviderActor.Command, ProviderSnapshot>ask(gateway.providers().get(provider),
          ProviderActor.GetSnapshot::new, Duration.ofSeconds(3), gateway.system().scheduler())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      gateway.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
