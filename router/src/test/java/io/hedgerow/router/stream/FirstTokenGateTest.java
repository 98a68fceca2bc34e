package io.hedgerow.router.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gate makes an attempt's first element its first token, opening with the assistant role. */
class FirstTokenGateTest {
  private static ActorTestKit kit;
  private static Materializer materializer;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    materializer = Materializer.matFromSystem(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static List<ChatChunk> gate(Source<ChatChunk, NotUsed> upstream) throws Exception {
    return upstream.via(new FirstTokenGate()).runWith(Sink.seq(), materializer)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Optional<String> roleOf(ChatChunk chunk) {
    return chunk.choices().get(0).delta().role();
  }

  @Test
  void roleOpenerAndChoicelessChunkAreHeldBackAndTheFirstTokenCarriesTheRole() throws Exception {
    List<ChatChunk> out = gate(Source.from(List.of(
        Chunks.roleOpener(), Chunks.noChoices(), Chunks.text("Hel"), Chunks.text("lo"), Chunks.finish())));

    assertEquals(3, out.size());
    assertEquals(Optional.of("Hel"), out.get(0).choices().get(0).delta().content());
    assertEquals(Optional.of("assistant"), roleOf(out.get(0)));
    assertEquals(Optional.empty(), roleOf(out.get(1)));
    assertEquals("Hello", Chunks.textOf(out));
    assertTrue(out.get(2).choices().get(0).finishReason().isPresent());
  }

  @Test
  void streamThatNeverTurnsDecisiveLetsItsHeldChunksOutAtTheEnd() throws Exception {
    ChatChunk opener = Chunks.roleOpener();
    ChatChunk usage = Chunks.usage(12, 0);

    assertEquals(List.of(opener, usage), gate(Source.from(List.of(opener, usage))));
  }

  @Test
  void emptyStreamStaysEmpty() throws Exception {
    assertEquals(List.of(), gate(Source.empty()));
  }

  @Test
  void finishWithoutAnyTokenIsDecisive() throws Exception {
    List<ChatChunk> out = gate(Source.from(List.of(Chunks.roleOpener(), Chunks.finish())));

    assertEquals(1, out.size());
    assertEquals(Optional.of("assistant"), roleOf(out.get(0)));
    assertTrue(out.get(0).choices().get(0).finishReason().isPresent());
  }

  @Test
  void firstTokenComesOutWithoutWaitingForTheRest() throws Exception {
    Source<ChatChunk, NotUsed> neverEnds = Source.from(List.of(Chunks.roleOpener(), Chunks.text("Hi")))
        .concat(Source.<ChatChunk>maybe().mapMaterializedValue(m -> NotUsed.notUsed()));

    List<ChatChunk> first = gate(neverEnds.via(new FirstTokenGate()).take(1));

    assertEquals("Hi", Chunks.textOf(first));
  }

  @Test
  void failureBeforeTheFirstTokenFailsTheStreamWithoutItsHeldChunks() {
    UpstreamException overloaded = UpstreamError.of(ErrorClass.OVERLOADED, 503, "busy").exception();
    var all = Source.single(Chunks.roleOpener()).concat(Source.<ChatChunk>failed(overloaded))
        .via(new FirstTokenGate()).runWith(Sink.seq(), materializer).toCompletableFuture();

    ExecutionException failure = assertThrows(ExecutionException.class, () -> all.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorClass.OVERLOADED, assertInstanceOf(UpstreamException.class, failure.getCause()).error().errorClass());
  }
}
