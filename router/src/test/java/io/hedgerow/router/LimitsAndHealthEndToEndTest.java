package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.router.actor.ProviderSnapshot;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Limits and health through a real gateway and simulated providers: a dead or flaky provider never
 * shows through to clients, a recovered one gets its traffic back after the half-open probes, and a
 * burst beyond a provider's concurrency limit is turned away with Retry-After, never with a 5xx.
 */
class LimitsAndHealthEndToEndTest {
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start("""
        hedgerow {
          sim.embedded = on
          sim.instances = [
            { name = healthy, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 4 }
            { name = dead, ttft { p50 = 5ms, p99 = 10ms }, faults.overloaded = 1.0 }
            { name = flaky, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 4,
              faults.server-error = 0.3 }
            { name = recovering, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 4 }
            { name = narrow, ttft { p50 = 200ms, p99 = 250ms }, inter-token-delay = 1ms, output-tokens = 4 }
          ]
          provider-defaults.circuit-breaker { consecutive-failures = 3, cool-down = 400ms, half-open-probes = 2 }
          providers {
            healthy { kind = openai, base-url = "sim://healthy/v1" }
            dead { kind = openai, base-url = "sim://dead/v1", circuit-breaker.cool-down = 1m }
            flaky { kind = openai, base-url = "sim://flaky/v1" }
            recovering { kind = openai, base-url = "sim://recovering/v1", circuit-breaker.cool-down = 2s }
            narrow { kind = openai, base-url = "sim://narrow/v1", limits { max-concurrent = 2, queue-timeout = 100ms } }
          }
          models {
            healthy { provider = healthy, upstream-model = "model-h" }
            dead { provider = dead, upstream-model = "model-d" }
            flaky { provider = flaky, upstream-model = "model-f" }
            recovering { provider = recovering, upstream-model = "model-r" }
            narrow { provider = narrow, upstream-model = "model-n" }
          }
          routes {
            dead-first { targets = [dead, healthy] }
            flaky-first { targets = [flaky, healthy] }
            recovering-first { targets = [recovering, healthy] }
            narrow-only { targets = [narrow] }
          }
        }
        """);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String chat(String model, boolean stream, String text) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  private static List<HttpResponse<String>> concurrently(int n, String model, String text) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(chat(model, i % 2 == 0, text))).build();
      calls.add(gw.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (var call : calls) responses.add(call.get(20, TimeUnit.SECONDS));
    return responses;
  }

  private static String servedBy(HttpResponse<String> r) {
    return r.headers().firstValue("x-hedgerow-provider").orElse("-");
  }

  private static void assertAllOk(List<HttpResponse<String>> responses) {
    for (HttpResponse<String> r : responses) {
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("healthy") || r.body().contains("flaky") || r.body().contains("recovering"), r.body());
      assertTrue(!r.body().contains("\"error\""), r.body());
    }
  }

  private static void awaitCircuit(String provider, String state) {
    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(state, gw.snapshot(provider).circuit());
      return null;
    });
  }

  @Test
  void deadProviderNeverShowsThroughAndItsOpenCircuitIsSkipped() throws Exception {
    assertAllOk(concurrently(10, "dead-first", "hello"));
    awaitCircuit("dead", "open");

    HttpResponse<String> whileOpen = gw.post("/v1/chat/completions", chat("dead-first", false, "hello"));
    assertEquals(200, whileOpen.statusCode());
    assertEquals("healthy", servedBy(whileOpen));
    assertEquals("1", whileOpen.headers().firstValue("x-hedgerow-attempts").orElseThrow(),
        "the open circuit was skipped, not tried");
    assertAllOk(concurrently(20, "dead-first", "hello"));
    assertTrue(gw.sim("dead").counters().requestsReceived() <= 10,
        "only the first, concurrent, requests reached the dead provider: " + gw.sim("dead").counters().requestsReceived());
  }

  @Test
  void flakyProviderNeverShowsThrough() throws Exception {
    List<HttpResponse<String>> responses = concurrently(60, "flaky-first", "hello");

    assertAllOk(responses);
    assertTrue(responses.stream().anyMatch(r -> servedBy(r).equals("flaky")), "the flaky provider still serves");
    assertTrue(gw.sim("flaky").counters().errorAnswers() > 0, "and it did fail some attempts");
  }

  @Test
  void recoveredProviderGetsItsTrafficBackAfterTheHalfOpenProbes() throws Exception {
    // While the directive is in the prompt, the recovering provider answers every request with 503.
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gw.post("/v1/chat/completions", chat("recovering-first", false, "sim@recovering:fault=overloaded"));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("healthy", servedBy(r));
    }
    awaitCircuit("recovering", "open");
    long triedWhileDown = gw.sim("recovering").counters().requestsReceived();

    // Now it is well again: once its cool-down is over, two probes succeed and it takes the traffic back.
    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(20), () -> {
      HttpResponse<String> r = gw.post("/v1/chat/completions", chat("recovering-first", false, "hello"));
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("closed", gw.snapshot("recovering").circuit());
      return null;
    });
    assertTrue(gw.sim("recovering").counters().requestsReceived() >= triedWhileDown + 2, "at least the two probes");
    for (int i = 0; i < 5; i++) {
      assertEquals("recovering", servedBy(gw.post("/v1/chat/completions", chat("recovering-first", true, "hello"))));
    }
  }

  @Test
  void burstBeyondTheConcurrencyLimitIsTurnedAwayWithRetryAfterNeverA5xx() throws Exception {
    List<HttpResponse<String>> responses = concurrently(20, "narrow-only", "hello");

    int ok = 0;
    for (HttpResponse<String> r : responses) {
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertEquals(429, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("retry-after").isPresent(), "a 429 says when to come back");
        assertTrue(r.body().contains("rate_limit_exceeded"), r.body());
      }
    }
    assertTrue(ok >= 2, "at least the limit's worth got through: " + ok);
    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      ProviderSnapshot narrow = gw.snapshot("narrow");
      assertEquals(0, narrow.inFlight());
      assertEquals(narrow.granted(), narrow.succeeded());
      return null;
    });
    assertTrue(gw.snapshot("narrow").rejected() > 0, "the rest were turned away by the provider's limit");
  }

  @Test
  void adminEndpointShowsCircuitBucketsAndPercentiles() throws Exception {
    assertAllOk(concurrently(5, "flaky-first", "hello"));
    HttpResponse<String> r = gw.get("/admin/providers");

    assertEquals(200, r.statusCode());
    JsonNode body = SseStream.json(r.body());
    JsonNode healthy = findProvider(body, "healthy");
    assertEquals("closed", healthy.path("circuit").asText());
    assertTrue(healthy.path("latency").path("count").asLong() > 0, healthy.toString());
    assertTrue(healthy.path("ttft").has("p95Ms"), healthy.toString());
    assertTrue(healthy.has("errorRates") && healthy.has("buckets") && healthy.has("inFlight"), healthy.toString());
    assertTrue(healthy.path("models").has("model-h"), healthy.toString());
  }

  private static JsonNode findProvider(JsonNode body, String name) {
    for (JsonNode p : body.path("providers")) if (p.path("provider").asText().equals(name)) return p;
    throw new AssertionError("no provider " + name + " in " + body);
  }
}
