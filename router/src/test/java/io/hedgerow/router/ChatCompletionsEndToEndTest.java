package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The chat completions API end to end: a real gateway, real simulated providers, real HTTP and SSE. */
class ChatCompletionsEndToEndTest {
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start("""
        hedgerow {
          sim.embedded = on
          sim.instances = [
            { name = a, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6 }
            { name = b, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6 }
            { name = drip, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 300ms, output-tokens = 5 }
          ]
          provider-defaults.timeouts.first-token = 1s
          # These tests force failures request by request; the circuit breaker and cool-downs would take
          # them for the providers' health and turn later tests away (LimitsAndHealthEndToEndTest covers that).
          provider-defaults.circuit-breaker { consecutive-failures = 1000000, min-requests = 1000000, max-cool-down = 0s }
          providers {
            a { kind = openai, base-url = "sim://a/v1" }
            b { kind = openai, base-url = "sim://b/v1" }
            drip { kind = openai, base-url = "sim://drip/v1", timeouts.first-token = 15s }
          }
          models {
            a { provider = a, upstream-model = "model-a" }
            b { provider = b, upstream-model = "model-b" }
            drip { provider = drip, upstream-model = "model-drip" }
          }
          routes {
            ab { targets = [a, b] }
          }
        }
        """);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String chat(String model, boolean stream, String text) {
    return """
        {"model":"%s","stream":%s,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"%s"}]}"""
        .formatted(model, stream, text);
  }

  @Test
  void plainRequestGetsAChatCompletion() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("ab", false, "hello"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = SseStream.json(r.body());
    assertEquals("chat.completion", body.path("object").asText());
    assertTrue(body.path("id").asText().startsWith("chatcmpl-"));
    JsonNode choice = body.path("choices").get(0);
    assertEquals("assistant", choice.path("message").path("role").asText());
    assertEquals(6, choice.path("message").path("content").asText().split(" ").length);
    assertEquals("stop", choice.path("finish_reason").asText());
    assertEquals(6, body.path("usage").path("completion_tokens").asInt());
    assertEquals("a", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    assertEquals("1", r.headers().firstValue("x-hedgerow-attempts").orElseThrow());
  }

  @Test
  void streamEndsWithDoneAndCarriesUsageLastOnlyWhenAsked() {
    String withUsage = """
        {"model":"a","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";
    HttpResponse<String> r = gw.post("/v1/chat/completions", withUsage);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
    List<String> frames = new SseStream(new java.io.ByteArrayInputStream(r.body().getBytes())).rest();
    assertEquals("[DONE]", frames.get(frames.size() - 1));
    JsonNode usage = SseStream.json(frames.get(frames.size() - 2));
    assertEquals(0, usage.path("choices").size());
    assertEquals(6, usage.path("usage").path("completion_tokens").asInt());
    Set<String> ids = new HashSet<>();
    int finishes = 0;
    for (int i = 0; i < frames.size() - 2; i++) {
      JsonNode chunk = SseStream.json(frames.get(i));
      ids.add(chunk.path("id").asText());
      assertEquals("chat.completion.chunk", chunk.path("object").asText());
      assertTrue(chunk.has("usage") && chunk.get("usage").isNull(), "usage is null on every other chunk");
      if (!chunk.path("choices").get(0).path("finish_reason").isNull()) finishes++;
    }
    assertEquals(1, ids.size(), "one stream id");
    assertEquals(1, finishes, "exactly one finish_reason");
    assertEquals("assistant", SseStream.json(frames.get(0)).path("choices").get(0).path("delta").path("role").asText());

    HttpResponse<String> plain = gw.post("/v1/chat/completions", chat("a", true, "hi"));
    List<String> noUsage = new SseStream(new java.io.ByteArrayInputStream(plain.body().getBytes())).rest();
    for (String f : noUsage.subList(0, noUsage.size() - 1)) {
      JsonNode chunk = SseStream.json(f);
      assertFalse(chunk.has("usage"), "no usage field without include_usage: " + f);
      assertEquals(1, chunk.path("choices").size());
    }
  }

  @Test
  void streamReachesTheClientWhileTheUpstreamIsStillSending() throws Exception {
    long completedBefore = gw.sim("drip").counters().streamsCompleted();
    HttpResponse<InputStream> r = gw.client().send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(chat("drip", true, "count slowly"))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (SseStream sse = new SseStream(r.body())) {
      String first = sse.next().orElseThrow();
      assertTrue(SseStream.json(first).path("choices").get(0).path("delta").path("content").asText().length() > 0);
      assertEquals(completedBefore, gw.sim("drip").counters().streamsCompleted(),
          "the first chunk arrived before the upstream finished its stream");
      List<String> rest = sse.rest();
      assertEquals("[DONE]", rest.get(rest.size() - 1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rate-limit", "server-error", "overloaded", "reset", "hang"})
  void retryableFailureBeforeFirstTokenMovesToTheNextCandidate(String fault) {
    for (boolean stream : new boolean[] {false, true}) {
      HttpResponse<String> r = gw.post("/v1/chat/completions", chat("ab", stream, "hi sim@a:fault=" + fault));
      assertEquals(200, r.statusCode(), fault + ": " + r.body());
      assertEquals("b", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
      assertEquals("2", r.headers().firstValue("x-hedgerow-attempts").orElseThrow());
      assertFalse(r.body().contains("\"error\""), r.body());
    }
  }

  @ParameterizedTest
  @CsvSource({"rate-limit,429,rate_limit_exceeded", "overloaded,503,overloaded", "server-error,502,upstream_error",
      "reset,502,upstream_error", "hang,504,upstream_timeout"})
  void whenEveryCandidateFailsTheClientGetsTheLastFailuresStatus(String fault, int status, String code) {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("ab", true, "hi sim:fault=" + fault));
    assertEquals(status, r.statusCode(), r.body());
    JsonNode error = SseStream.json(r.body()).path("error");
    assertEquals(code, error.path("code").asText());
    assertFalse(error.path("message").asText().isEmpty());
    if (status == 429) assertTrue(r.headers().firstValue("retry-after").isPresent(), "429 carries Retry-After");
  }

  @Test
  void failureAfterTheFirstTokenEndsTheStreamWithAnErrorFrame() {
    HttpResponse<String> r = gw.post("/v1/chat/completions",
        chat("ab", true, "hi sim:tokens=20 sim:inter-token-ms=30 sim:fault=abort-mid-stream"));
    assertEquals(200, r.statusCode());
    List<String> frames = new SseStream(new java.io.ByteArrayInputStream(r.body().getBytes())).rest();
    assertTrue(frames.size() >= 2, r.body());
    assertTrue(SseStream.json(frames.get(0)).path("choices").get(0).path("delta").has("content"));
    JsonNode last = SseStream.json(frames.get(frames.size() - 1));
    assertTrue(last.has("error"), "last frame is an error: " + frames.get(frames.size() - 1));
    assertFalse(frames.contains("[DONE]"), "a broken stream does not claim to be done");
    assertEquals("1", r.headers().firstValue("x-hedgerow-attempts").orElseThrow(), "no switch after the first token");
  }

  @Test
  void plainClientGetsAnErrorStatusWhenTheUpstreamBreaksMidAnswer() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("a", false, "hi sim:tokens=20 sim:fault=abort-mid-stream"));
    assertEquals(502, r.statusCode(), r.body());
    assertTrue(SseStream.json(r.body()).has("error"));
  }

  @Test
  void clientHangingUpReleasesThePermitAndClosesTheUpstream() throws Exception {
    long cancelledBefore = gw.sim("drip").counters().streamsCancelled();
    HttpResponse<InputStream> r = gw.client().send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(chat("drip", true, "hi sim:tokens=50"))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (SseStream sse = new SseStream(r.body())) {
      sse.next().orElseThrow();
      assertEquals(1, gw.snapshot("drip").inFlight());
    }
    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(0, gw.snapshot("drip").inFlight());
      assertTrue(gw.sim("drip").counters().streamsCancelled() > cancelledBefore, "the upstream saw the abort");
      return null;
    });
    assertTrue(gw.snapshot("drip").cancelled() >= 1, "recorded as cancelled, not as a failure");
  }

  @Test
  void badInputGetsOpenAiShapedErrors() {
    assertError(gw.post("/v1/chat/completions", "{\"model\": \"a\", "), 400, "not valid JSON");
    assertError(gw.post("/v1/chat/completions", "[1,2]"), 400, "JSON object");
    assertError(gw.post("/v1/chat/completions", "{\"model\":\"a\"}"), 400, "'messages'");
    assertError(gw.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "'model'");
    assertError(gw.post("/v1/chat/completions", "{\"model\":\"a\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"),
        400, "messages[0].role");
    assertError(gw.post("/v1/chat/completions", "{\"model\":\"a\",\"messages\":[],\"stream\":true}"), 400, "non-empty");
    assertError(gw.post("/v1/chat/completions", "{\"model\":\"a\",\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
        400, "max_tokens");
    HttpResponse<String> unknown = gw.post("/v1/chat/completions", chat("gpt-imaginary", false, "x"));
    assertError(unknown, 404, "gpt-imaginary");
    assertEquals("model_not_found", SseStream.json(unknown.body()).path("error").path("code").asText());
    assertError(gw.post("/v1/chat/completions", "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "x".repeat(11 * 1024 * 1024) + "\"}]}"), 413, "larger than the limit");
    assertError(gw.get("/v1/chat/completions"), 405, "POST");
    assertError(gw.get("/v2/nothing"), 404, "/v2/nothing");
    // and the gateway still serves
    assertEquals(200, gw.post("/v1/chat/completions", chat("a", false, "still there?")).statusCode());
  }

  @Test
  void modelsHealthAndReadinessAnswer() {
    JsonNode models = SseStream.json(gw.get("/v1/models").body());
    assertEquals("list", models.path("object").asText());
    Set<String> ids = new HashSet<>();
    models.path("data").forEach(m -> ids.add(m.path("id").asText()));
    assertEquals(Set.of("a", "b", "drip", "ab"), ids);
    assertEquals(200, gw.get("/health").statusCode());
    HttpResponse<String> ready = gw.get("/ready");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.body().contains("ready"));
  }

  @Test
  void providerSlashModelReachesAnyConfiguredProvider() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", chat("b/some-upstream-model", false, "hi"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("b", r.headers().firstValue("x-hedgerow-provider").orElseThrow());
    String sent = gw.sim("b").recorded().get(gw.sim("b").recorded().size() - 1).body();
    assertTrue(sent.contains("\"model\":\"some-upstream-model\""), sent);
  }

  @Test
  void unknownRequestFieldsPassThroughToOpenAiCompatibleUpstreams() {
    gw.sim("a").clearRecorded();
    HttpResponse<String> r = gw.post("/v1/chat/completions",
        "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logit_bias\":{\"42\":-1},\"x_custom\":\"kept\"}");
    assertEquals(200, r.statusCode());
    JsonNode sent = SseStream.json(gw.sim("a").recorded().get(0).body());
    assertEquals("kept", sent.path("x_custom").asText());
    assertEquals(-1, sent.path("logit_bias").path("42").asInt());
    assertEquals("model-a", sent.path("model").asText());
  }

  private static void assertError(HttpResponse<String> r, int status, String mentions) {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode error = SseStream.json(r.body()).path("error");
    assertTrue(error.isObject(), "OpenAI error shape: " + r.body());
    assertTrue(error.path("message").asText().contains(mentions), error.path("message").asText());
    assertTrue(error.has("type") && error.has("code") && error.has("param"), r.body());
  }
}
