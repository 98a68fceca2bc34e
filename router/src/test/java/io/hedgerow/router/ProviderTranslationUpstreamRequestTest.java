package io.hedgerow.router;

import static io.hedgerow.router.ProviderTranslationEndToEndTest.KEYLESS_SIM;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.ask;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.body;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.clearAllRecorded;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.onlyRequestTo;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.roles;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.streamAll;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.weatherTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import io.hedgerow.providers.sim.RecordedRequest;
import io.hedgerow.router.ProviderTranslationEndToEndTest.Kind;
import io.hedgerow.router.testkit.RunningGateway;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each upstream receives, read back from its simulator: credentials in the provider's own header
 * (from the environment variable the config names), and the request in the provider's own shape.
 */
class ProviderTranslationUpstreamRequestTest {
  private static Map<String, String> keys;
  private static RunningGateway gw;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    keys = ProviderTranslationEndToEndTest.freshKeys();
    gw = ProviderTranslationEndToEndTest.startGateway(keys);
    client = ProviderTranslationEndToEndTest.sdk(gw);
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (gw != null) gw.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    clearAllRecorded(gw);
  }

  @Test
  void anthropicGetsItsKeyHeaderVersionTopLevelSystemMaxTokensAndInputSchemas() {
    client.chat().completions().create(ask(Kind.ANTHROPIC.model, "hello").addTool(weatherTool()).build());

    RecordedRequest sent = onlyRequestTo(gw, Kind.ANTHROPIC.sim);
    assertEquals("/v1/messages", sent.path());
    assertEquals(keys.get("TEST_ANTHROPIC_KEY"), sent.header("x-api-key").orElseThrow());
    assertEquals("2023-06-01", sent.header("anthropic-version").orElseThrow());
    assertTrue(sent.header("authorization").isEmpty(), "Anthropic's key goes in x-api-key only");
    JsonNode body = body(sent);
    assertEquals(Kind.ANTHROPIC.upstreamModel, body.path("model").asText());
    assertEquals("be brief", systemText(body.path("system")));
    assertEquals(List.of("user"), roles(body.path("messages"), "role"), "the system prompt is not a message");
    assertTrue(body.path("max_tokens").isInt() && body.path("max_tokens").asInt() >= 1,
        "max_tokens is required even when the client gave none: " + body);
    assertFalse(body.has("stream"));
    JsonNode tool = body.path("tools").get(0);
    assertEquals("get_weather", tool.path("name").asText());
    assertEquals("The weather in a city", tool.path("description").asText());
    assertEquals("object", tool.path("input_schema").path("type").asText());
    assertEquals("string", tool.path("input_schema").path("properties").path("city").path("type").asText());
    assertFalse(tool.has("function") || tool.has("parameters"), "Anthropic's tool shape: " + tool);

    clearAllRecorded(gw);
    streamAll(client, ask(Kind.ANTHROPIC.model, "hello").maxCompletionTokens(50).build());
    JsonNode streamed = body(onlyRequestTo(gw, Kind.ANTHROPIC.sim));
    assertEquals(50, streamed.path("max_tokens").asInt(), "the client's own limit wins");
    assertTrue(streamed.path("stream").asBoolean());
  }

  private static String systemText(JsonNode system) {
    if (system.isTextual()) return system.asText();
    StringBuilder sb = new StringBuilder();
    system.forEach(block -> sb.append(block.path("text").asText()));
    return sb.toString();
  }

  @Test
  void geminiGetsItsKeyInAHeaderTheSystemInstructionAndFunctionDeclarations() {
    client.chat().completions().create(ask(Kind.GEMINI.model, "hello").addTool(weatherTool()).build());
    RecordedRequest plain = onlyRequestTo(gw, Kind.GEMINI.sim);
    clearAllRecorded(gw);
    streamAll(client, ask(Kind.GEMINI.model, "hello").build());
    RecordedRequest streamed = onlyRequestTo(gw, Kind.GEMINI.sim);

    assertEquals("/v1beta/models/" + Kind.GEMINI.upstreamModel + ":generateContent", plain.path());
    assertEquals("/v1beta/models/" + Kind.GEMINI.upstreamModel + ":streamGenerateContent", streamed.path());
    assertTrue(List.of(streamed.query().split("&")).contains("alt=sse"), streamed.query());
    for (RecordedRequest sent : List.of(plain, streamed)) {
      assertEquals(keys.get("TEST_GEMINI_KEY"), sent.header("x-goog-api-key").orElseThrow());
      assertFalse(sent.query().contains("key="), "the key never goes in the URL: " + sent.query());
      assertTrue(sent.header("authorization").isEmpty());
      JsonNode body = body(sent);
      assertEquals("be brief", body.path("systemInstruction").path("parts").get(0).path("text").asText());
      assertEquals(List.of("user"), roles(body.path("contents"), "role"), "the system prompt is not a turn");
      assertEquals("hello", body.path("contents").get(0).path("parts").get(0).path("text").asText());
    }
    JsonNode declaration = body(plain).path("tools").get(0).path("functionDeclarations").get(0);
    assertEquals("get_weather", declaration.path("name").asText());
    assertEquals("The weather in a city", declaration.path("description").asText());
    assertEquals("string", declaration.path("parameters").path("properties").path("city").path("type").asText().toLowerCase());
  }

  @Test
  void openAiGetsABearerTokenOnlyWhenAKeyIsConfigured() {
    client.chat().completions().create(ask(Kind.OPENAI.model, "hello").build());
    RecordedRequest keyed = onlyRequestTo(gw, Kind.OPENAI.sim);
    assertEquals("/v1/chat/completions", keyed.path());
    assertEquals("Bearer " + keys.get("TEST_OPENAI_KEY"), keyed.header("authorization").orElseThrow());
    assertEquals(Kind.OPENAI.upstreamModel, body(keyed).path("model").asText());

    ChatCompletion keyless = client.chat().completions().create(ask("sim-keyless", "hello").build());
    assertTrue(keyless.choices().get(0).message().content().orElse("").startsWith(KEYLESS_SIM));
    RecordedRequest unkeyed = onlyRequestTo(gw, KEYLESS_SIM);
    assertTrue(unkeyed.header("authorization").isEmpty(), "no key configured, no Authorization: " + unkeyed.headers());
    for (RecordedRequest sent : List.of(keyed, unkeyed)) {
      assertTrue(sent.headers().values().stream().noneMatch(v -> v.contains("not-a-real-key")),
          "the client's own key is never forwarded: " + sent.headers());
    }
  }

  /** Sends a tool request with the given {@code tool_choice}, plus stop and sampling settings, and returns what {@code kind} received. */
  private static JsonNode sentWithToolChoice(Kind kind, String toolChoice) {
    clearAllRecorded(gw);
    HttpResponse<String> r = gw.post("/v1/chat/completions", """
        {"model":"%s","messages":[{"role":"user","content":"weather?"}],"stop":["END"],"temperature":0.5,"max_tokens":40,
         "tools":[{"type":"function","function":{"name":"get_weather",
           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
         "tool_choice":%s}""".formatted(kind.model, toolChoice));
    assertEquals(200, r.statusCode(), r.body());
    return body(onlyRequestTo(gw, kind.sim));
  }

  @Test
  void anthropicGetsToolChoiceStopSequencesAndSamplingInItsOwnNames() {
    JsonNode required = sentWithToolChoice(Kind.ANTHROPIC, "\"required\"");
    assertEquals("any", required.path("tool_choice").path("type").asText());
    assertEquals("[\"END\"]", required.path("stop_sequences").toString());
    assertEquals(0.5, required.path("temperature").asDouble());
    assertEquals(40, required.path("max_tokens").asInt());
    assertFalse(required.has("stop"), "OpenAI's name does not leak into Anthropic's body: " + required);

    JsonNode named = sentWithToolChoice(Kind.ANTHROPIC, "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
    assertEquals("tool", named.path("tool_choice").path("type").asText());
    assertEquals("get_weather", named.path("tool_choice").path("name").asText());

    assertEquals("none", sentWithToolChoice(Kind.ANTHROPIC, "\"none\"").path("tool_choice").path("type").asText());
    assertEquals("auto", sentWithToolChoice(Kind.ANTHROPIC, "\"auto\"").path("tool_choice").path("type").asText());
  }

  @Test
  void geminiGetsToolChoiceStopSequencesAndSamplingInItsOwnNames() {
    JsonNode required = sentWithToolChoice(Kind.GEMINI, "\"required\"");
    JsonNode config = required.path("generationConfig");
    assertEquals("ANY", required.path("toolConfig").path("functionCallingConfig").path("mode").asText());
    assertEquals("[\"END\"]", config.path("stopSequences").toString());
    assertEquals(0.5, config.path("temperature").asDouble());
    assertEquals(40, config.path("maxOutputTokens").asInt());
    assertFalse(required.has("stop") || required.has("temperature") || required.has("max_tokens") || required.has("tool_choice"),
        "OpenAI's names do not leak into Gemini's body: " + required);

    JsonNode named = sentWithToolChoice(Kind.GEMINI, "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")
        .path("toolConfig").path("functionCallingConfig");
    assertEquals("ANY", named.path("mode").asText());
    assertEquals("get_weather", named.path("allowedFunctionNames").get(0).asText());

    assertEquals("NONE", sentWithToolChoice(Kind.GEMINI, "\"none\"").path("toolConfig").path("functionCallingConfig").path("mode").asText());
  }
}
