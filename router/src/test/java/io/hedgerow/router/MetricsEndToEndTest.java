package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.router.testkit.RunningGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Traffic through a gateway with metrics on, then a Prometheus scrape of what it recorded. */
class MetricsEndToEndTest {
  private static RunningGateway gw;
  private static int metricsPort;

  @BeforeAll
  static void start() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    gw = RunningGateway.start("""
        hedgerow {
          metrics { enabled = on, interface = "127.0.0.1", port = %d, tick-interval = 1s }
          sim.embedded = on
          sim.instances = [
            { name = ok, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 4 }
            { name = bad, ttft { p50 = 5ms, p99 = 10ms }, faults.overloaded = 1.0 }
          ]
          providers {
            metrics-ok { kind = openai, base-url = "sim://ok/v1" }
            metrics-bad { kind = openai, base-url = "sim://bad/v1", circuit-breaker { consecutive-failures = 3, cool-down = 1m } }
          }
          models {
            ok { provider = metrics-ok, upstream-model = "model-ok" }
            bad { provider = metrics-bad, upstream-model = "model-bad" }
          }
          routes {
            bad-then-ok { targets = [bad, ok] }
          }
        }
        """.formatted(metricsPort));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void attemptsErrorsLatencyTokensRejectionsAndCircuitStateAreScraped() {
    for (int i = 0; i < 5; i++) {
      String body = "{\"model\":\"bad-then-ok\",\"stream\":" + (i % 2 == 0)
          + ",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      assertEquals(200, gw.post("/v1/chat/completions", body).statusCode());
    }

    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
      String scrape = scrape();
      Map<String, String> ok = Map.of("provider", "metrics-ok", "model", "model-ok");
      Map<String, String> bad = Map.of("provider", "metrics-bad", "model", "model-bad");
      assertEquals(5, value(scrape, "hedgerow_requests_total", with(ok, "outcome", "succeeded")), scrape);
      assertEquals(3, value(scrape, "hedgerow_requests_total", with(bad, "outcome", "failed")));
      assertEquals(3, value(scrape, "hedgerow_errors_total", with(bad, "class", "overloaded")));
      assertEquals(2, value(scrape, "hedgerow_rate_limit_rejections_total", with(bad, "reason", "circuit_open")));
      assertEquals(5, value(scrape, "hedgerow_latency_seconds_count", ok));
      assertEquals(5, value(scrape, "hedgerow_ttft_seconds_count", ok));
      assertTrue(value(scrape, "hedgerow_tokens_in_total", ok) > 0);
      assertEquals(20, value(scrape, "hedgerow_tokens_out_total", ok), "4 tokens, 5 answers");
      assertEquals(2, value(scrape, "hedgerow_circuit_state", Map.of("provider", "metrics-bad")), "open");
      assertEquals(0, value(scrape, "hedgerow_circuit_state", Map.of("provider", "metrics-ok")), "closed");
      assertTrue(scrape.contains("hedgerow_latency_seconds_bucket{") && scrape.contains("le=\"300.0\""),
          "latency buckets sized for LLM calls");
      return null;
    });
  }

  private static String scrape() {
    HttpResponse<String> r = gw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).GET().build());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    var all = new java.util.HashMap<>(labels);
    all.put(key, value);
    return all;
  }

  /** The value of the first series of {@code metric} that carries all {@code labels}; -1 when there is none. */
  private static double value(String scrape, String metric, Map<String, String> labels) {
    for (String line : scrape.split("\n")) {
      if (!line.startsWith(metric + "{")) continue;
      String labelPart = line.substring(metric.length(), line.lastIndexOf('}') + 1);
      boolean all = labels.entrySet().stream().allMatch(e -> labelPart.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (all) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return -1;
  }
}
