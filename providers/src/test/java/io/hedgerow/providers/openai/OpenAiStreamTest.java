package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.bytes;
import static io.hedgerow.providers.openai.OpenAiFixtures.frames;
import static io.hedgerow.providers.openai.OpenAiFixtures.jsonLines;
import static io.hedgerow.providers.openai.OpenAiFixtures.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatCompletionAssembler;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseFraming;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Raw upstream SSE bytes through the adapter's own pipeline ({@link SseFraming#flow} then
 * {@link OpenAiAdapter#decoding}), cut into awkward TCP-sized pieces, with LF and CRLF line ends, compared
 * with what the client must read.
 */
class OpenAiStreamTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** The upstream bytes, delivered {@code piece} bytes at a time; CRLF line ends when {@code crlf}. */
  private static Source<ByteString, ?> upstream(String fixture, boolean crlf, int piece) {
    String text = new String(bytes(fixture), StandardCharsets.UTF_8);
    byte[] raw = (crlf ? text.replace("\n", "\r\n") : text).getBytes(StandardCharsets.UTF_8);
    List<ByteString> pieces = new ArrayList<>();
    for (int i = 0; i < raw.length; i += piece) pieces.add(ByteString.fromArray(raw, i, Math.min(piece, raw.length - i)));
    return Source.from(pieces);
  }

  /** What reached the client before the stream ended, and how it ended (null: completed). */
  private record Outcome(List<ChatChunk> chunks, Throwable failure) {}

  private static Outcome run(Source<ByteString, ?> bytes) {
    List<ChatChunk> seen = Collections.synchronizedList(new ArrayList<>());
    Throwable failure = null;
    try {
      bytes.via(SseFraming.flow(1 << 20)).via(OpenAiAdapter.decoding())
          .runWith(Sink.foreach(seen::add), kit.system())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      failure = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    }
    return new Outcome(List.copyOf(seen), failure);
  }

  private static List<ChatChunk> decode(String fixture, boolean crlf, int piece) {
    Outcome o = run(upstream(fixture, crlf, piece));
    if (o.failure() != null) throw new AssertionError("stream failed", o.failure());
    return o.chunks();
  }

  private static void assertStream(String fixture, String expected) {
    List<?> want = jsonLines(expected);
    for (boolean crlf : new boolean[] {false, true}) {
      for (int piece : new int[] {7, 64, 1 << 16}) {
        assertEquals(want, frames(decode(fixture, crlf, piece)), fixture + " crlf=" + crlf + " piece=" + piece);
      }
    }
  }

  private static ChatCompletion assemble(List<ChatChunk> chunks) {
    ChatCompletionAssembler a = new ChatCompletionAssembler();
    chunks.forEach(a::add);
    return a.result();
  }

  @Test
  void textStreamKeepsTheRoleOnlyOpenerAndEndsWithOneFinishThenUsage() {
    assertStream("text-stream.sse", "text-stream.expected.jsonl");
  }

  @Test
  void parallelToolCallsStayFragmentsSplitMidJsonAndAssembleToValidArguments() {
    assertStream("parallel-tool-calls.sse", "parallel-tool-calls.expected.jsonl");
    List<ToolCall> calls = assemble(decode("parallel-tool-calls.sse", false, 64)).choices().get(0).message().toolCalls();
    assertEquals(List.of("get_weather", "get_stock_price"), calls.stream().map(ToolCall::name).toList());
    assertEquals("Edinburgh", parse(calls.get(0).arguments()).path("city").asText());
    assertEquals("NASDAQ", parse(calls.get(1).arguments()).path("exchange").asText());
  }

  @Test
  void deepSeekReasoningContentComesThroughBeforeTheAnswer() {
    assertStream("deepseek-reasoning.sse", "deepseek-reasoning.expected.jsonl");
    ChatCompletion whole = assemble(decode("deepseek-reasoning.sse", false, 64));
    assertEquals("Okay, the user said hello.", whole.choices().get(0).message().reasoningContent().orElseThrow());
    assertEquals("Hello! How can I help?", whole.choices().get(0).message().content().orElseThrow());
  }

  @Test
  void openRouterReasoningFieldAndKeepAliveCommentsAreHandled() {
    assertStream("openrouter-reasoning.sse", "openrouter-reasoning.expected.jsonl");
  }

  @Test
  void azurePromptFilterOpenerIsDroppedSoTheClientSeesOnlyOneStreamId() {
    assertStream("azure-content-filter.sse", "azure-content-filter.expected.jsonl");
  }

  @Test
  void usageRidingOnTheFinishChunkIsMovedToItsOwnLastChunk() {
    assertStream("mistral-usage-on-finish.sse", "mistral-usage-on-finish.expected.jsonl");
  }

  @Test
  void heldUsageIsStillDeliveredWhenTheStreamEndsWithoutDone() {
    String text = new String(bytes("mistral-usage-on-finish.sse"), StandardCharsets.UTF_8);
    byte[] withoutDone = text.replace("data: [DONE]\n\n", "").getBytes(StandardCharsets.UTF_8);
    Outcome o = run(Source.single(ByteString.fromArray(withoutDone)));
    assertEquals(null, o.failure());
    assertEquals(jsonLines("mistral-usage-on-finish.expected.jsonl"), frames(o.chunks()));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void errorFrameAfterHttp200FailsTheStreamAfterTheChunksBeforeIt(boolean crlf) {
    Outcome o = run(upstream("error-mid-stream.sse", crlf, 50));
    assertEquals(jsonLines("error-mid-stream.expected.jsonl"), frames(o.chunks()));
    UpstreamException e = assertInstanceOf(UpstreamException.class, o.failure());
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
    assertEquals(500, e.error().status());
    assertEquals("The server had an error while processing your request. Sorry about that!", e.error().message());
  }

  @Test
  void frameThatIsNotJsonFailsTheStreamAsAServerError() {
    Outcome o = run(upstream("non-json-frame.sse", false, 1 << 16));
    assertEquals(jsonLines("non-json-frame.expected.jsonl"), frames(o.chunks()));
    UpstreamException e = assertInstanceOf(UpstreamException.class, o.failure());
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
    assertTrue(e.error().message().contains("not JSON"), e.error().message());
  }

  @Test
  void chunksArriveAsTheyAreDecodedNotAtTheEnd() throws Exception {
    // an upstream that sends one frame and then stalls: the client must already have the first chunk
    String first = new String(bytes("text-stream.sse"), StandardCharsets.UTF_8).split("\n\n")[0] + "\n\n";
    var probe = Source.single(ByteString.fromString(first)).concat(Source.never())
        .via(SseFraming.flow(1 << 20)).via(OpenAiAdapter.decoding())
        .runWith(Sink.head(), kit.system());
    ChatChunk chunk = probe.toCompletableFuture().get(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    assertEquals("assistant", chunk.choices().get(0).delta().role().orElseThrow());
  }
}
