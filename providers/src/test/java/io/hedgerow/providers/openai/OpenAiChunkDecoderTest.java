package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.frame;
import static io.hedgerow.providers.openai.OpenAiFixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamException;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Event-by-event behaviour of the decoder that no single recorded stream shows. */
class OpenAiChunkDecoderTest {
  private static SseEvent data(String json) {
    return new SseEvent("", ByteString.fromString(json));
  }

  private static final String HEAD = "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"";

  @Test
  void toolCallDeltasWithoutIndexAreNumberedByTheirIds() {
    OpenAiChunkDecoder d = new OpenAiChunkDecoder();
    List<ChatChunk> out = d.next(data("{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
        + "{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
        + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"x\\\"\"}}]}}]}"));
    out = concat(out, d.next(data("{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
        + "{\"function\":{\"arguments\":\":1}\"}}]}}]}")));
    out = concat(out, d.next(data("{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
        + "{\"id\":\"call_c\",\"type\":\"function\",\"function\":{\"name\":\"h\",\"arguments\":\"{}\"}}]}}]}")));
    List<Integer> indexes = out.stream()
        .flatMap(c -> c.choices().get(0).delta().toolCalls().stream()).map(t -> t.index()).toList();
    assertEquals(List.of(0, 1, 1, 2), indexes);
  }

  @Test
  void deepSeekCacheHitCountStandsInForMissingCacheDetails() {
    List<ChatChunk> out = new OpenAiChunkDecoder().next(data("{" + HEAD + ",\"choices\":[],\"usage\":"
        + "{\"prompt_tokens\":100,\"completion_tokens\":5,\"total_tokens\":105,\"prompt_cache_hit_tokens\":64,\"prompt_cache_miss_tokens\":36}}"));
    Usage u = out.get(0).usage().orElseThrow();
    assertEquals(new Usage(100, 5, 64, 0), u);
  }

  @Test
  void emptyAndUsageNullFramesYieldNothingAndDoneYieldsNothingWithoutHeldUsage() {
    OpenAiChunkDecoder d = new OpenAiChunkDecoder();
    assertEquals(List.of(), d.next(data("")));
    assertEquals(List.of(), d.next(data("{" + HEAD + ",\"choices\":[],\"usage\":null}")));
    assertEquals(List.of(), d.next(data("[DONE]")));
  }

  @Test
  void aSeparateUsageChunkReplacesUsageHeldFromAChoiceChunk() {
    OpenAiChunkDecoder d = new OpenAiChunkDecoder();
    d.next(data("{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"));
    List<ChatChunk> usage = d.next(data("{" + HEAD + ",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}"));
    assertEquals(Usage.of(7, 3), usage.get(0).usage().orElseThrow());
    assertEquals(List.of(), d.next(data("[DONE]")), "usage must be sent once");
  }

  @Test
  void flatErrorFrameOfVllmAndMistralFailsWithItsStatusAndMessage() {
    OpenAiChunkDecoder d = new OpenAiChunkDecoder();
    UpstreamException e = assertThrows(UpstreamException.class, () -> d.next(data(
        "{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}")));
    assertEquals(ErrorClass.CONTEXT_LENGTH, e.error().errorClass());
    assertEquals(400, e.error().status());
  }

  @Test
  void rateLimitErrorFrameIsClassifiedByItsCode() {
    UpstreamException e = assertThrows(UpstreamException.class, () -> new OpenAiChunkDecoder().next(data(
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
    assertEquals(ErrorClass.RATE_LIMITED, e.error().errorClass());
  }

  @Test
  void errorFieldThatIsNullIsNotAnError() {
    List<ChatChunk> out = new OpenAiChunkDecoder().next(data(
        "{" + HEAD + ",\"error\":null,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}]}"));
    assertEquals("ok", out.get(0).choices().get(0).delta().content().orElseThrow());
  }

  @Test
  void jsonThatIsNotAnObjectFailsAsServerError() {
    UpstreamException e = assertThrows(UpstreamException.class, () -> new OpenAiChunkDecoder().next(data("[1,2]")));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }

  @Test
  void mistralThinkingPartsInADeltaBecomeReasoningContent() {
    List<ChatChunk> out = new OpenAiChunkDecoder().next(data("{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":["
        + "{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"Hmm.\"}]}]},\"finish_reason\":null}]}"));
    assertEquals(parse("{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Hmm.\"},"
        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}"), frame(out.get(0)));
  }

  @Test
  void unknownFinishReasonOfACompatibleProviderStillEndsTheChoice() {
    List<ChatChunk> out = new OpenAiChunkDecoder().next(data(
        "{" + HEAD + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"eos\"}]}"));
    assertTrue(out.get(0).choices().get(0).finishReason().isPresent());
  }

  private static List<ChatChunk> concat(List<ChatChunk> a, List<ChatChunk> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
