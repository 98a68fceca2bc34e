package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.stream.Chunks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which candidate answers, and with what, when attempts fail before their first token. */
class ExchangeFailoverTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static List<ChatChunk> drain(ExchangeReply.Streaming streaming) throws Exception {
    return streaming.chunks().runWith(Sink.seq(), Materializer.matFromSystem(kit.system()))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void overloadedFirstCandidateFailsOverToTheNextBeforeTheFirstToken() throws Exception {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.failing(ErrorClass.OVERLOADED, 503))
        .provider("b", ScriptedAdapter.answering(Chunks.answer("Hello", " there")))
        .route("chat", 3, "a", "b")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));

    assertEquals("b", streaming.provider());
    assertEquals(2, streaming.attempts());
    assertEquals("Hello there", Chunks.textOf(drain(streaming)));
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("overloaded", 1L), a.failuresByClass());
      assertEquals(0, a.inFlight());
    });
    router.awaitSnapshot("b", b -> {
      assertEquals(1, b.succeeded());
      assertEquals(0, b.inFlight());
    });
  }

  @Test
  void badRequestIsAnsweredAtOnceWithoutTryingTheNextCandidate() {
    ScriptedAdapter b = ScriptedAdapter.answering(Chunks.answer("never", " sent"));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.failing(ErrorClass.BAD_REQUEST, 400))
        .provider("b", b)
        .route("chat", 3, "a", "b")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.BAD_REQUEST, failed.error().errorClass());
    assertEquals(400, failed.error().status());
    assertEquals(1, failed.attempts());
    assertEquals(0, router.snapshot("b").granted());
    assertEquals(0, b.chatCalls());
    router.awaitSnapshot("a", a -> assertEquals(0, a.inFlight()));
  }

  @Test
  void whenEveryCandidateFailsTheReplyCarriesTheLastFailure() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.failing(ErrorClass.OVERLOADED, 503))
        .provider("b", ScriptedAdapter.failing(ErrorClass.SERVER_ERROR, 500))
        .route("chat", 3, "a", "b")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.SERVER_ERROR, failed.error().errorClass());
    assertEquals(500, failed.error().status());
    assertEquals(2, failed.attempts());
    router.awaitSnapshot("a", a -> assertEquals(0, a.inFlight()));
    router.awaitSnapshot("b", b -> assertEquals(Map.of("server_error", 1L), b.failuresByClass()));
  }

  @Test
  void routeWithOneAttemptStopsAfterTheFirstFailure() {
    ScriptedAdapter b = ScriptedAdapter.answering(Chunks.answer("never", " sent"));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.failing(ErrorClass.OVERLOADED, 503))
        .provider("b", b)
        .route("chat", 1, "a", "b")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.OVERLOADED, failed.error().errorClass());
    assertEquals(1, failed.attempts());
    assertEquals(0, b.chatCalls());
    assertEquals(0, router.snapshot("b").granted());
  }

  @Test
  void emptyUpstreamAnswerIsARetryableFailureNotAnEmptyReply() throws Exception {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(Source::empty))
        .provider("b", ScriptedAdapter.answering(Chunks.answer("Hello", " there")))
        .route("chat", 3, "a", "b")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));

    assertEquals("b", streaming.provider());
    assertEquals(2, streaming.attempts());
    assertEquals("Hello there", Chunks.textOf(drain(streaming)));
    router.awaitSnapshot("a", a -> assertEquals(0, a.inFlight()));
  }

  @Test
  void emptyUpstreamAnswerOnTheOnlyCandidateFailsAsAServerError() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(Source::empty))
        .route("chat", 3, "a")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.SERVER_ERROR, failed.error().errorClass());
    assertEquals(1, failed.attempts());
  }

  @Test
  void upstreamSilentPastTheFirstTokenDeadlineFailsOverAndReturnsItsPermit() throws Exception {
    AttemptTimeouts quick = new AttemptTimeouts(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(Source::never), 8, quick)
        .provider("b", ScriptedAdapter.answering(Chunks.answer("Hello", " there")))
        .route("chat", 3, "a", "b")
        .start();

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));

    assertEquals("b", streaming.provider());
    assertEquals(2, streaming.attempts());
    assertEquals("Hello there", Chunks.textOf(drain(streaming)));
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("timeout", 1L), a.failuresByClass());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void roleOpenerAloneDoesNotBeatTheFirstTokenDeadline() {
    AttemptTimeouts quick = new AttemptTimeouts(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(() -> Source.single(Chunks.roleOpener()).concat(Source.never())), 8, quick)
        .route("chat", 3, "a")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.TIMEOUT, failed.error().errorClass());
    assertEquals(1, failed.attempts());
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("timeout", 1L), a.failuresByClass());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void everyCandidateSilentPastItsDeadlineFailsAsATimeout() {
    AttemptTimeouts quick = new AttemptTimeouts(Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(30));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(Source::never), 8, quick)
        .provider("b", ScriptedAdapter.streaming(Source::never), 8, quick)
        .route("chat", 3, "a", "b")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.TIMEOUT, failed.error().errorClass());
    assertEquals(2, failed.attempts());
    assertTrue(failed.error().message().contains("200ms"), failed.error().message());
    router.awaitSnapshot("a", a -> assertEquals(0, a.inFlight()));
    router.awaitSnapshot("b", b -> assertEquals(0, b.inFlight()));
  }
}
