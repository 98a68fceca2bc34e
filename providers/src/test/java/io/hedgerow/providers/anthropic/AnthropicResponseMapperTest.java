package io.hedgerow.providers.anthropic;

import static io.hedgerow.providers.anthropic.AnthropicFixtures.bytes;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.json;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicResponseMapperTest {
  private static final long CREATED = 1770000000L;
  private static final AnswerShape REASONING = new AnswerShape(true, Optional.empty());

  private static void assertCompletion(String fixture, AnswerShape shape, String expected) {
    assertEquals(json(expected), written(AnthropicResponseMapper.fromUpstream(bytes(fixture), shape, CREATED)));
  }

  @Test
  void textAnswerBecomesChatCompletion() {
    assertCompletion("response-text.json", AnswerShape.PLAIN, "response-text.expected.json");
  }

  @Test
  void toolUseBlockBecomesToolCallWithArgumentsAsJsonStringAndIdPassedThrough() {
    assertCompletion("response-tool-use.json", AnswerShape.PLAIN, "response-tool-use.expected.json");
  }

  @Test
  void toolCallsWithoutTextHaveNullContent() {
    assertCompletion("response-tool-use-only.json", AnswerShape.PLAIN, "response-tool-use-only.expected.json");
  }

  @Test
  void thinkingBecomesReasoningContentOnlyWhenRequestedAndCacheTokensCountAsPrompt() {
    assertCompletion("response-thinking.json", REASONING, "response-thinking.with-reasoning.expected.json");
    assertCompletion("response-thinking.json", AnswerShape.PLAIN, "response-thinking.without-reasoning.expected.json");
  }

  @Test
  void forcedJsonToolInputBecomesTheContentAndTheAnswerStops() {
    assertCompletion("response-json-tool.json", new AnswerShape(false, Optional.of("json_response")),
        "response-json-tool.expected.json");
  }

  @ParameterizedTest
  @CsvSource({
      "end_turn, false, STOP", "stop_sequence, false, STOP", "pause_turn, false, STOP", "max_tokens, false, LENGTH",
      "tool_use, true, TOOL_CALLS", "tool_use, false, STOP", "refusal, false, CONTENT_FILTER", "something_new, false, STOP"})
  void stopReasonMapsToOpenAiFinishReason(String stopReason, boolean passedToolCalls, FinishReason expected) {
    assertEquals(expected, AnthropicResponseMapper.finishReason(stopReason, passedToolCalls));
  }

  @Test
  void bodyWithoutContentFailsAsServerError() {
    UpstreamException e = assertThrows(UpstreamException.class, () -> AnthropicResponseMapper.fromUpstream(
        "{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8), AnswerShape.PLAIN, CREATED));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }
}
