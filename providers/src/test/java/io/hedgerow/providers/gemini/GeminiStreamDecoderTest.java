package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.assertJson;
import static io.hedgerow.providers.gemini.GeminiFixtures.clientView;
import static io.hedgerow.providers.gemini.GeminiFixtures.decodeAll;
import static io.hedgerow.providers.gemini.GeminiFixtures.decoder;
import static io.hedgerow.providers.gemini.GeminiFixtures.events;
import static io.hedgerow.providers.gemini.GeminiFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCallDelta;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.SseFraming;
import io.hedgerow.providers.upstream.UpstreamException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeminiStreamDecoderTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void crlfFramedTextStreamBecomesOpenAiChunksWithOneIdAndAUsageChunkLast() throws Exception {
    byte[] wire = GeminiFixtures.crlfSse("google-text.chunks.txt");
    // Split the bytes at awkward places (inside "\r\n" and inside UTF-8 JSON) as TCP may.
    List<ByteString> pieces = new ArrayList<>();
    for (int i = 0; i < wire.length; i += 7) pieces.add(ByteString.fromArray(wire, i, Math.min(7, wire.length - i)));

    List<ChatChunk> chunks = Source.from(pieces)
        .via(SseFraming.flow(1 << 16))
        .concat(Source.single(GeminiStreamDecoder.END_OF_STREAM))
        .statefulMapConcat(() -> decoder(false)::accept)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertJson(json("google-text.stream.expected.json"), clientView(chunks));
  }

  @Test
  void functionCallsInOneFrameAndALaterFrameGetDistinctIdsAndIndexesAcrossTheStream() {
    List<ChatChunk> chunks = decodeAll(decoder(false), events("tool-calls.chunks.txt"));

    assertJson(json("tool-calls.stream.expected.json"), clientView(chunks));
  }

  @Test
  void synthesizedCallIdsAreRandomAndDistinct() {
    GeminiStreamDecoder real = new GeminiStreamDecoder("gemini-fallback", false);
    List<ChatChunk> chunks = decodeAll(real, events("tool-calls.chunks.txt"));

    Set<String> ids = new HashSet<>();
    List<Integer> indexes = new ArrayList<>();
    for (ChatChunk c : chunks) {
      for (var choice : c.choices()) {
        for (ToolCallDelta t : choice.delta().toolCalls()) {
          String id = t.id().orElseThrow();
          assertTrue(id.matches("call_[A-Za-z0-9]{24}"), id);
          ids.add(id);
          indexes.add(t.index());
        }
      }
    }
    assertEquals(3, ids.size());
    assertEquals(List.of(0, 1, 2), indexes);
  }

  @Test
  void thoughtSummariesBecomeReasoningContentWhenTheClientAskedForReasoning() {
    List<ChatChunk> chunks = decodeAll(decoder(true), events("thoughts.chunks.txt"));

    assertJson(json("thoughts.reasoning.expected.json"), clientView(chunks));
  }

  @Test
  void thoughtSummariesNeverReachContentAndAreDroppedWithoutReasoning() {
    List<ChatChunk> chunks = decodeAll(decoder(false), events("thoughts.chunks.txt"));

    assertJson(json("thoughts.no-reasoning.expected.json"), clientView(chunks));
  }

  @Test
  void lastUsageMetadataWinsEvenFromAUsageOnlyFrame() {
    List<ChatChunk> chunks = decodeAll(decoder(false), events("usage.chunks.txt"));

    ChatChunk last = chunks.get(chunks.size() - 1);
    assertEquals(List.of(), last.choices());
    assertEquals(Optional.of(new Usage(12, 160, 4, 89)), last.usage());
    long usageChunks = chunks.stream().filter(c -> c.usage().isPresent()).count();
    assertEquals(1, usageChunks);
  }

  @Test
  void blockedPromptEndsAsContentFilterWithItsUsage() {
    List<ChatChunk> chunks = decodeAll(decoder(false), events("prompt-block.chunks.txt"));

    assertJson(json("prompt-block.stream.expected.json"), clientView(chunks));
  }

  @Test
  void errorObjectInADataFrameFailsTheStreamWithItsClass() {
    GeminiStreamDecoder d = decoder(false);
    List<SseEvent> frames = events("error-mid-stream.chunks.txt");

    assertEquals("There are", d.accept(frames.get(0)).get(0).choices().get(0).delta().content().orElseThrow());
    UpstreamException e = assertThrows(UpstreamException.class, () -> d.accept(frames.get(1)));
    assertEquals(ErrorClass.OVERLOADED, e.error().errorClass());
    assertEquals(503, e.error().status());
    assertEquals("The model is overloaded. Please try again later.", e.error().message());
  }

  @Test
  void streamThatEndsWithoutAFinishReasonFailsAsEndedEarly() {
    GeminiStreamDecoder d = decoder(false);
    List<SseEvent> frames = events("google-text.chunks.txt").subList(0, 2);
    frames.forEach(d::accept);

    UpstreamException e = assertThrows(UpstreamException.class, () -> d.accept(GeminiStreamDecoder.END_OF_STREAM));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
    assertTrue(e.error().message().contains("ended early"), e.error().message());
  }

  @Test
  void streamWithoutAnyFrameFailsAsEndedEarly() {
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> decoder(false).accept(GeminiStreamDecoder.END_OF_STREAM));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }

  @Test
  void finishReasonsMapToOpenAiWords() {
    assertEquals(FinishReason.LENGTH, finishOf("MAX_TOKENS"));
    assertEquals(FinishReason.CONTENT_FILTER, finishOf("SAFETY"));
    assertEquals(FinishReason.CONTENT_FILTER, finishOf("RECITATION"));
    assertEquals(FinishReason.CONTENT_FILTER, finishOf("PROHIBITED_CONTENT"));
    assertEquals(FinishReason.STOP, finishOf("OTHER"));
    assertEquals(FinishReason.STOP, finishOf("STOP"));
  }

  @Test
  void malformedFunctionCallFailsTheAnswer() {
    UpstreamException e = assertThrows(UpstreamException.class, () -> finishOf("MALFORMED_FUNCTION_CALL"));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }

  @Test
  void eachCandidateIsItsOwnChoiceWithItsOwnRoleAndFinish() {
    GeminiStreamDecoder d = decoder(false);
    List<ChatChunk> chunks = new ArrayList<>(d.accept(frame("{\"candidates\":["
        + "{\"content\":{\"parts\":[{\"text\":\"A\"}],\"role\":\"model\"},\"index\":0},"
        + "{\"content\":{\"parts\":[{\"text\":\"B\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":1}],"
        + "\"responseId\":\"two\"}")));
    chunks.addAll(d.accept(frame("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},"
        + "\"finishReason\":\"MAX_TOKENS\",\"index\":0}],\"responseId\":\"two\"}")));
    chunks.addAll(d.accept(GeminiStreamDecoder.END_OF_STREAM));

    assertJson(GeminiFixtures.json("two-candidates.stream.expected.json"), clientView(chunks));
  }

  private static FinishReason finishOf(String reason) {
    List<ChatChunk> chunks = decoder(false).accept(frame("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}],"
        + "\"role\":\"model\"},\"finishReason\":\"" + reason + "\",\"index\":0}],\"responseId\":\"r\"}"));
    return chunks.get(chunks.size() - 1).choices().get(0).finishReason().orElseThrow();
  }

  private static SseEvent frame(String json) {
    return new SseEvent("", ByteString.fromString(json));
  }
}
