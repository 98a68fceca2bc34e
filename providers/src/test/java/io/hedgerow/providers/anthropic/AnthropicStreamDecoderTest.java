package io.hedgerow.providers.anthropic;

import static io.hedgerow.providers.anthropic.AnthropicFixtures.events;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.frames;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.jsonLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatCompletionAssembler;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class AnthropicStreamDecoderTest {
  private static final long CREATED = 1770000000L;
  private static final AnswerShape REASONING = new AnswerShape(true, Optional.empty());
  private static final AnswerShape JSON_TOOL = new AnswerShape(false, Optional.of("json_response"));

  /** Feeds every event of the fixture, then the end of the stream, as the adapter does. */
  private static List<ChatChunk> decode(String fixture, AnswerShape shape) {
    AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(shape, CREATED);
    List<ChatChunk> out = new ArrayList<>();
    for (SseEvent e : events(fixture)) out.addAll(decoder.decode(e));
    out.addAll(decoder.end());
    return out;
  }

  private static void assertStream(String fixture, AnswerShape shape, String expected) {
    assertEquals(jsonLines(expected), frames(decode(fixture, shape)));
  }

  @Test
  void textStreamBecomesRoleChunkContentChunksOneFinishAndUsageLast() {
    assertStream("text-stream.sse", AnswerShape.PLAIN, "text-stream.expected.jsonl");
  }

  @Test
  void toolArgumentsSplitMidJsonStayFragmentsAndSkipTheEmptyOne() {
    assertStream("tool-call-stream.sse", AnswerShape.PLAIN, "tool-call-stream.expected.jsonl");
    ChatCompletion whole = assemble(decode("tool-call-stream.sse", AnswerShape.PLAIN));
    assertEquals("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}",
        whole.choices().get(0).message().toolCalls().get(0).arguments());
  }

  @Test
  void parallelToolUseBlocksAfterTextAreToolCallsZeroAndOne() {
    assertStream("parallel-tool-calls-stream.sse", AnswerShape.PLAIN, "parallel-tool-calls-stream.expected.jsonl");
    ChatCompletion whole = assemble(decode("parallel-tool-calls-stream.sse", AnswerShape.PLAIN));
    assertEquals(2, whole.choices().get(0).message().toolCalls().size());
    for (var call : whole.choices().get(0).message().toolCalls()) {
      assertTrue(parsesAsObject(call.arguments()), call.arguments());
    }
  }

  @Test
  void thinkingBecomesReasoningContentWhenReasoningWasRequested() {
    assertStream("thinking-stream.sse", REASONING, "thinking-stream.with-reasoning.expected.jsonl");
  }

  @Test
  void thinkingIsDroppedWhenReasoningWasNotRequested() {
    assertStream("thinking-stream.sse", AnswerShape.PLAIN, "thinking-stream.without-reasoning.expected.jsonl");
  }

  @Test
  void usageCountsCacheWritesAndReadsAsPromptTokensAndReadsAsCached() {
    assertStream("cache-usage-stream.sse", AnswerShape.PLAIN, "cache-usage-stream.expected.jsonl");
  }

  @Test
  void forcedJsonToolStreamsItsInputAsContentAndStops() {
    assertStream("json-tool-stream.sse", JSON_TOOL, "json-tool-stream.expected.jsonl");
  }

  @Test
  void toolWithoutArgumentsStillGetsAnObjectAndUnknownEventsAreIgnored() {
    assertStream("tool-no-args-stream.sse", AnswerShape.PLAIN, "tool-no-args-stream.expected.jsonl");
  }

  @Test
  void errorEventAfterHttp200FailsTheStreamAsOverloadedAfterTheChunksBeforeIt() {
    AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(AnswerShape.PLAIN, CREATED);
    List<ChatChunk> out = new ArrayList<>();
    UpstreamException failure = assertThrows(UpstreamException.class, () -> {
      for (SseEvent e : events("overloaded-mid-stream.sse")) out.addAll(decoder.decode(e));
    });
    assertEquals(jsonLines("overloaded-mid-stream.expected.jsonl"), frames(out));
    assertEquals(new UpstreamError(ErrorClass.OVERLOADED, 529, "Overloaded", Optional.empty()), failure.error());
  }

  @Test
  void streamEndingBeforeMessageStopFailsAsServerError() {
    AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(AnswerShape.PLAIN, CREATED);
    List<ChatChunk> out = new ArrayList<>();
    for (SseEvent e : events("cut-stream.sse")) out.addAll(decoder.decode(e));
    assertEquals(jsonLines("cut-stream.expected.jsonl"), frames(out));
    UpstreamException failure = assertThrows(UpstreamException.class, decoder::end);
    assertEquals(ErrorClass.SERVER_ERROR, failure.error().errorClass());
    assertTrue(failure.error().message().contains("ended early"), failure.error().message());
  }

  @Test
  void eventsAfterMessageStopAreIgnored() {
    AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(AnswerShape.PLAIN, CREATED);
    for (SseEvent e : events("text-stream.sse")) decoder.decode(e);
    assertEquals(List.of(), decoder.decode(new SseEvent("content_block_delta", ByteString.fromString(
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"late\"}}"))));
    assertEquals(List.of(), decoder.end());
  }

  @Test
  void frameThatIsNotJsonFailsAsServerError() {
    AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(AnswerShape.PLAIN, CREATED);
    UpstreamException failure = assertThrows(UpstreamException.class,
        () -> decoder.decode(new SseEvent("message_start", ByteString.fromString("{not json"))));
    assertEquals(ErrorClass.SERVER_ERROR, failure.error().errorClass());
  }

  private static ChatCompletion assemble(List<ChatChunk> chunks) {
    ChatCompletionAssembler a = new ChatCompletionAssembler();
    chunks.forEach(a::add);
    return a.result();
  }

  private static boolean parsesAsObject(String json) {
    try {
      return Json.MAPPER.readTree(json).isObject();
    } catch (Exception e) {
      return false;
    }
  }
}
