package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import io.hedgerow.router.stream.Chunks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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

/** A permit comes back to its provider however the attempt ends, once the answer has started streaming. */
class PermitReturnTest {
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

  private static final UpstreamException DROPPED =
      UpstreamError.of(ErrorClass.CONNECTION, 0, "The upstream connection broke.").exception();

  @Test
  void completedAnswerReturnsThePermitAsASuccess() throws Exception {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.answering(Chunks.answer("Hello", " there")))
        .route("chat", 3, "a")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));
    List<ChatChunk> chunks = streaming.chunks().runWith(Sink.seq(), materializer).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals("Hello there", Chunks.textOf(chunks));
    assertEquals("assistant", chunks.get(0).choices().get(0).delta().role().orElseThrow());
    router.awaitSnapshot("a", a -> {
      assertEquals(1, a.succeeded());
      assertEquals(0, a.inFlight());
      assertEquals(Map.of(), a.failuresByClass());
    });
  }

  @Test
  void clientLeavingAfterTheFirstChunkCancelsTheAttemptAndReturnsThePermit() throws Exception {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(() -> Source.from(List.of(Chunks.text("Hello"), Chunks.text(" there")))
            .concat(Source.<ChatChunk>maybe().mapMaterializedValue(m -> NotUsed.notUsed()))))
        .route("chat", 3, "a")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));
    List<ChatChunk> chunks = streaming.chunks().take(1).runWith(Sink.seq(), materializer)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals("Hello", Chunks.textOf(chunks));
    router.awaitSnapshot("a", a -> {
      assertEquals(1, a.cancelled());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void upstreamFailingWhileTheClientReadsEndsTheStreamAndRecordsTheFailure() throws Exception {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(() -> {
          // the connection breaks when the client asks for the second chunk
          ChatChunk second = Chunks.text(" there");
          return Source.from(List.of(Chunks.text("Hello"), second)).map(c -> {
            if (c == second) throw DROPPED;
            return c;
          });
        }))
        .provider("b", ScriptedAdapter.answering(Chunks.answer("never", " sent")))
        .route("chat", 3, "a", "b")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));
    assertEquals("a", streaming.provider());
    List<ChatChunk> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<List<ChatChunk>> all = streaming.chunks().map(c -> { seen.add(c); return c; })
        .runWith(Sink.seq(), materializer).toCompletableFuture();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> all.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorClass.CONNECTION, assertInstanceOf(UpstreamException.class, failure.getCause()).error().errorClass());
    assertEquals("Hello", Chunks.textOf(seen));
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("connection", 1L), a.failuresByClass());
      assertEquals(0, a.inFlight());
    });
    assertEquals(0, router.snapshot("b").granted());
  }

  @Test
  void upstreamFailingBeforeTheClientStartsReadingStillDeliversTheFirstChunk() throws Exception {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(() -> {
          // the connection drops as soon as the first token is through, whether or not anyone asks for more
          CompletableFuture<ChatChunk> drop = new CompletableFuture<>();
          return Source.single(Chunks.text("Hello")).concat(Source.completionStage(drop))
              .map(c -> {
                drop.completeExceptionally(DROPPED);
                return c;
              });
        }))
        .route("chat", 3, "a")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("connection", 1L), a.failuresByClass());
      assertEquals(0, a.inFlight());
    });
    List<ChatChunk> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<List<ChatChunk>> all = streaming.chunks().map(c -> { seen.add(c); return c; })
        .runWith(Sink.seq(), materializer).toCompletableFuture();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> all.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorClass.CONNECTION, assertInstanceOf(UpstreamException.class, failure.getCause()).error().errorClass());
    assertEquals("Hello", Chunks.textOf(seen));
  }
}
