package io.hedgerow.providers.anthropic;

import static io.hedgerow.providers.anthropic.AnthropicFixtures.json;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.parse;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.anthropic.AnthropicSettings.StructuredOutputs;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicRequestMapperTest {
  private static final String MODEL = "claude-sonnet-4-5";
  private static final AnthropicRequestMapper NATIVE = new AnthropicRequestMapper(AnthropicSettings.DEFAULTS);
  private static final AnthropicRequestMapper TOOL = new AnthropicRequestMapper(new AnthropicSettings(
      "2023-06-01", List.of(), 4096, 1024, StructuredOutputs.TOOL));

  private static AnthropicRequest map(AnthropicRequestMapper mapper, String openAiFixture) {
    ChatRequest r = request(openAiFixture);
    return mapper.toUpstream(r, MODEL, r.stream());
  }

  private static void assertMapping(AnthropicRequestMapper mapper, String openAiFixture, String anthropicFixture) {
    assertEquals(json(anthropicFixture), map(mapper, openAiFixture).body());
  }

  private static ChatRequest inline(String json) {
    return ChatRequestReader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void systemAndDeveloperMessagesBecomeTopLevelSystemAndMaxTokensDefaults() {
    assertMapping(NATIVE, "request-system.openai.json", "request-system.anthropic.json");
  }

  @Test
  void clientMaxTokensAndStopArrayAreSent() {
    assertMapping(NATIVE, "request-max-tokens.openai.json", "request-max-tokens.anthropic.json");
  }

  @Test
  void defaultMaxTokensComesFromTheProviderConfig() {
    AnthropicRequestMapper small = new AnthropicRequestMapper(new AnthropicSettings(
        "2023-06-01", List.of(), 256, 1024, StructuredOutputs.NATIVE));
    ChatRequest r = request("request-system.openai.json");
    assertEquals(256, small.toUpstream(r, MODEL, true).body().path("max_tokens").asInt());
  }

  @Test
  void dataUrlImageBecomesBase64SourceAndHttpsImageBecomesUrlSource() {
    assertMapping(NATIVE, "request-images.openai.json", "request-images.anthropic.json");
  }

  @Test
  void toolsBecomeInputSchemasAndNamedChoiceDisablesParallelUse() {
    assertMapping(NATIVE, "request-tools.openai.json", "request-tools.anthropic.json");
  }

  @Test
  void strictIsDroppedWhenStructuredOutputsGoThroughTheTool() {
    assertTrue(map(TOOL, "request-tools.openai.json").body().path("tools").get(0).path("strict").isMissingNode());
  }

  @ParameterizedTest(name = "{0} / parallel={1} → {2}")
  @CsvSource(delimiter = '|', value = {
      "\"auto\"                                         | true  | {\"type\":\"auto\"}",
      "\"auto\"                                         | false | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
      "\"none\"                                         | false | {\"type\":\"none\"}",
      "\"required\"                                     | true  | {\"type\":\"any\"}",
      "\"required\"                                     | false | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
      "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | true  | {\"type\":\"tool\",\"name\":\"f\"}"})
  void toolChoiceMapsToAnthropicsModes(String toolChoice, boolean parallel, String expected) {
    ChatRequest r = inline("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
        + "\"tool_choice\":" + toolChoice + ",\"parallel_tool_calls\":" + parallel + "}");
    assertEquals(parse(expected), NATIVE.toUpstream(r, MODEL, false).body().get("tool_choice"));
  }

  @Test
  void noToolsMeansNoToolChoiceEvenWhenTheClientSentOne() {
    ChatRequest r = inline("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"none\"}");
    assertTrue(NATIVE.toUpstream(r, MODEL, false).body().path("tool_choice").isMissingNode());
  }

  @Test
  void toolResultsMergeIntoOneUserTurnAndSameRoleTurnsMerge() {
    assertMapping(NATIVE, "request-conversation.openai.json", "request-conversation.anthropic.json");
  }

  @Test
  void jsonSchemaGoesToOutputConfigInNativeMode() {
    assertMapping(NATIVE, "request-json-schema.openai.json", "request-json-schema.native.anthropic.json");
    assertEquals(AnswerShape.PLAIN, map(NATIVE, "request-json-schema.openai.json").shape());
  }

  @Test
  void jsonSchemaBecomesAForcedToolInToolMode() {
    assertMapping(TOOL, "request-json-schema.openai.json", "request-json-schema.tool.anthropic.json");
    assertEquals(new AnswerShape(false, Optional.of("json_response")), map(TOOL, "request-json-schema.openai.json").shape());
  }

  @Test
  void jsonObjectAlwaysUsesTheForcedToolWithAnObjectSchema() {
    assertMapping(NATIVE, "request-json-object.openai.json", "request-json-object.anthropic.json");
    assertMapping(TOOL, "request-json-object.openai.json", "request-json-object.anthropic.json");
  }

  @Test
  void jsonToolNextToClientToolsRequiresSomeTool() {
    assertMapping(TOOL, "request-json-schema-with-tools.openai.json", "request-json-schema-with-tools.tool.anthropic.json");
  }

  @Test
  void reasoningEnablesThinkingKeepsMaxTokensAboveTheBudgetAndDropsTemperature() {
    assertMapping(NATIVE, "request-reasoning.openai.json", "request-reasoning.anthropic.json");
    assertEquals(new AnswerShape(true, Optional.empty()), map(NATIVE, "request-reasoning.openai.json").shape());
  }

  @Test
  void reasoningKeepsALargerMaxTokensAsItIs() {
    ChatRequest r = inline("{\"model\":\"m\",\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertEquals(4096, NATIVE.toUpstream(r, MODEL, false).body().path("max_tokens").asInt());
  }

  @Test
  void reasoningWithAForcedJsonToolIsRejected() {
    ChatRequest r = inline("{\"model\":\"m\",\"reasoning_effort\":\"low\",\"response_format\":{\"type\":\"json_object\"},"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> NATIVE.toUpstream(r, MODEL, false));
    assertEquals(Optional.of("response_format"), e.param());
  }

  @Test
  void toolCallArgumentsThatAreNotJsonAreRejected() {
    ChatRequest r = inline("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"toolu_1\",\"type\":\"function\","
        + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"city\\\": \"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_1\",\"content\":\"ok\"}]}");
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> NATIVE.toUpstream(r, MODEL, false));
    assertEquals(Optional.of("messages[1].tool_calls[0].function.arguments"), e.param());
  }

  @Test
  void moreThanOneChoiceIsRejected() {
    ChatRequest r = inline("{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertEquals(Optional.of("n"), assertThrows(InvalidRequestException.class, () -> NATIVE.toUpstream(r, MODEL, false)).param());
  }

  @Test
  void dataUrlThatIsNotBase64IsRejected() {
    ChatRequest r = inline("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/svg+xml,<svg/>\"}}]}]}");
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> NATIVE.toUpstream(r, MODEL, false));
    assertEquals(Optional.of("messages[0].content[0].image_url.url"), e.param());
  }
}
