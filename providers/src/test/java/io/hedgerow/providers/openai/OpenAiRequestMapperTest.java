package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.parse;
import static io.hedgerow.providers.openai.OpenAiFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.ChatRequest;
import org.junit.jupiter.api.Test;

/** The upstream body built from the client's own JSON. */
class OpenAiRequestMapperTest {
  private static final String CLIENT = """
      {"model":"chat","messages":[{"role":"system","content":"be brief"},
        {"role":"user","name":"ada","content":"hi"},
        {"role":"assistant","content":"hello","reasoning_content":"greeting back"}],
       "temperature":0.2,"logprobs":true,"top_logprobs":2,"logit_bias":{"50256":-100},
       "max_completion_tokens":64,"seed":7,"user":"u-1","store":false,
       "service_tier":"flex","metadata":{"team":"search"},"some_future_field":{"a":[1,2]}%s}""";

  private static JsonNode upstream(String extra, boolean stream, OpenAiPreset preset) {
    ChatRequest r = request(CLIENT.formatted(extra));
    return parse(OpenAiRequestMapper.toUpstream(r, "gpt-4o-2024-08-06", stream, preset));
  }

  @Test
  void unknownFieldsPassThroughAndOnlyTheModelIsReplaced() {
    JsonNode body = upstream("", false, OpenAiPresets.OPENAI);
    JsonNode expected = parse(CLIENT.formatted("").replace("\"model\":\"chat\"", "\"model\":\"gpt-4o-2024-08-06\""));
    assertEquals(expected, body);
  }

  @Test
  void streamAsksForUsageAndKeepsTheClientsOtherStreamOptions() {
    JsonNode body = upstream(",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}", true, OpenAiPresets.OPENAI);
    assertEquals(true, body.path("stream").asBoolean());
    assertEquals(parse("{\"include_obfuscation\":false,\"include_usage\":true}"), body.path("stream_options"));
  }

  @Test
  void plainCallDropsTheStreamFlags() {
    JsonNode body = upstream(",\"stream\":false,\"stream_options\":{\"include_usage\":true}", false, OpenAiPresets.OPENAI);
    assertEquals(false, body.has("stream"));
    assertEquals(false, body.has("stream_options"));
  }

  @Test
  void providerWithoutStreamOptionsGetsNoneEvenWhenTheClientSentThem() {
    JsonNode body = upstream(",\"stream\":true,\"stream_options\":{\"include_usage\":true}", true, OpenAiPresets.MISTRAL);
    assertEquals(true, body.path("stream").asBoolean());
    assertEquals(false, body.has("stream_options"));
  }

  @Test
  void groqLosesTheFieldsItRejectsIncludingMessageNames() {
    JsonNode body = upstream("", false, OpenAiPresets.GROQ);
    assertEquals(false, body.has("logprobs"));
    assertEquals(false, body.has("top_logprobs"));
    assertEquals(false, body.has("logit_bias"));
    assertEquals(false, body.path("messages").get(1).has("name"));
    assertEquals("hi", body.path("messages").get(1).path("content").asText());
    assertEquals(0.2, body.path("temperature").asDouble());
    assertEquals("search", body.path("metadata").path("team").asText());
  }

  @Test
  void mistralGetsItsOwnNamesAndLosesWhatItForbids() {
    JsonNode body = upstream(",\"max_tokens\":10", false, OpenAiPresets.MISTRAL);
    assertEquals(64, body.path("max_tokens").asInt(), "max_completion_tokens wins, as it does for OpenAI");
    assertEquals(false, body.has("max_completion_tokens"));
    assertEquals(7, body.path("random_seed").asInt());
    assertEquals(false, body.has("seed"));
    assertEquals(false, body.has("user"));
    assertEquals(false, body.has("store"));
    assertEquals(false, body.path("messages").get(2).has("reasoning_content"));
  }

  @Test
  void configuredRejectedFieldsReplaceThePresetsAndIncludeUsageCanBeTurnedOff() {
    OpenAiPreset preset = OpenAiPresets.GROQ.withOverrides(com.typesafe.config.ConfigFactory.parseString(
        "rejected-fields = [service_tier, \"messages[].reasoning_content\"], include-usage = false"));
    JsonNode body = upstream("", true, preset);
    assertEquals(false, body.has("service_tier"));
    assertEquals(false, body.path("messages").get(2).has("reasoning_content"));
    assertEquals(true, body.has("logprobs"), "the preset's list is replaced, not extended");
    assertEquals(false, body.has("stream_options"));
  }

  @Test
  void theClientsBodyIsNotTouched() {
    ChatRequest r = request(CLIENT.formatted(""));
    JsonNode before = r.body().deepCopy();
    OpenAiRequestMapper.toUpstream(r, "x", true, OpenAiPresets.MISTRAL);
    assertEquals(before, r.body());
  }
}
