package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hedging through a real gateway: a primary whose first token takes 3 s, a fallback that answers in
 * about 100 ms, and a first-token deadline of 500 ms.
 */
class HedgingEndToEndTest {
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start("""
        hedgerow {
          sim.embedded = on
          sim.instances = [
            { name = primary, ttft { p50 = 3s, p99 = 3s }, inter-token-delay = 10ms, output-tokens = 5 }
            { name = fallback, ttft { p50 = 100ms, p99 = 100ms }, inter-token-delay = 10ms, output-tokens = 5 }
          ]
          providers {
            primary { kind = openai, base-url = "sim://primary/v1" }
            fallback { kind = anthropic, base-url = "sim://fallback" }
          }
          models {
            p { provider = primary, upstream-model = "slow-model" }
            f { provider = fallback, upstream-model = "quick-model" }
          }
          routes {
            hedged { targets = [p, f], hedging { first-token-deadline = 500ms, budget-minimum = 100 } }
            unhedged { targets = [p, f], hedging.enabled = false }
            no-budget { targets = [p, f], hedging { first-token-deadline = 500ms, budget-percent = 0, budget-minimum = 0 } }
          }
        }
        """);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  @Test
  void slowFirstTokenIsHedgedToTheFallbackAndThePrimaryIsAborted() {
    long cancelledBefore = gw.sim("primary").counters().streamsCancelled();
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("hedged", true));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("fallback", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    assertEquals("true", r.headers().firstValue("x-hedgerow-hedged").orElseThrow());
    assertEquals("2", r.headers().firstValue("x-hedgerow-attempts").orElseThrow());
    List<String> frames = new SseStream(new ByteArrayInputStream(r.body().getBytes())).rest();
    assertTrue(SseStream.json(frames.get(0)).path("choices").get(0).path("delta").path("content").asText().startsWith("fallback"),
        frames.get(0));
    assertEquals("[DONE]", frames.get(frames.size() - 1));
    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(gw.sim("primary").counters().streamsCancelled() > cancelledBefore, "the primary's stream was aborted");
      assertEquals(0, gw.snapshot("primary").inFlight());
      return null;
    });
    assertEquals(0, gw.snapshot("primary").failuresByClass().values().stream().mapToLong(Long::longValue).sum(),
        "a lost hedge is not an error of the provider");
  }

  @Test
  void withoutHedgingTheSameRequestWaitsForThePrimary() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("unhedged", true));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("primary", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    assertEquals("false", r.headers().firstValue("x-hedgerow-hedged").orElseThrow());
    assertEquals("1", r.headers().firstValue("x-hedgerow-attempts").orElseThrow());
  }

  @Test
  void plainRequestsOnAHedgedRouteAreHedgedToo() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("hedged", false));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("fallback", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    JsonNode body = SseStream.json(r.body());
    assertEquals("chat.completion", body.path("object").asText());
    assertTrue(body.path("choices").get(0).path("message").path("content").asText().startsWith("fallback"));
  }

  @Test
  void hedgedStreamedToolCallArrivesIntact() {
    String request = """
        {"model":"hedged","stream":true,"messages":[{"role":"user","content":"weather? sim:tool-calls=2"}],
         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
           "properties":{"city":{"type":"string"},"days":{"type":"integer"}}}}}]}""";
    HttpResponse<String> r = gw.post("/v1/chat/completions", request);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("fallback", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    List<String> frames = new SseStream(new ByteArrayInputStream(r.body().getBytes())).rest();
    StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
    String finish = null;
    for (String f : frames) {
      if (f.equals("[DONE]")) continue;
      JsonNode choice = SseStream.json(f).path("choices").get(0);
      for (JsonNode call : choice.path("delta").path("tool_calls")) {
        args[call.path("index").asInt()].append(call.path("function").path("arguments").asText());
      }
      if (!choice.path("finish_reason").isNull()) finish = choice.path("finish_reason").asText();
    }
    assertEquals("tool_calls", finish);
    for (StringBuilder a : args) {
      assertTrue(SseStream.json(a.toString()).path("city").asText().startsWith("sim-city"), a.toString());
    }
  }

  @Test
  void anExhaustedHedgeBudgetSendsNoHedge() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("no-budget", true));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("primary", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    assertEquals("false", r.headers().firstValue("x-hedgerow-hedged").orElseThrow());
  }
}
