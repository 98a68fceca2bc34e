package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.config.AttemptTimeouts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plain requests on a route that does not hedge go out as one plain upstream call each, with no stream:
 * the exchange answers with the whole completion, fails over as for streams, enforces the attempt's
 * deadline itself and returns every permit.
 */
class ExchangePlainTest {
  private static final AttemptTimeouts QUICK = new AttemptTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(30));
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void plainAnswerComesWholeAndItsPermitComesBackAsASuccess() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.plain(() -> CompletableFuture.completedFuture(ScriptedAdapter.completion("Hello there"))))
        .route("chat", 3, "a")
        .start();

    var completed = assertInstanceOf(ExchangeReply.Completed.class, router.dispatchPlain("chat"));

    assertEquals("a", completed.provider());
    assertEquals(1, completed.attempts());
    assertEquals(Optional.of("Hello there"), completed.completion().choices().get(0).message().content());
    router.awaitSnapshot("a", a -> {
      assertEquals(1, a.succeeded());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void plainAnswerGoesToTheClientFromTheThreadThatReadItBeforeTheExchangeHearsOfIt() throws Exception {
    CompletableFuture<ChatCompletion> upstream = new CompletableFuture<>();
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.plain(() -> upstream))
        .route("chat", 3, "a")
        .start();
    AtomicReference<Thread> repliedOn = new AtomicReference<>();
    CompletableFuture<ExchangeReply> reply = router.askPlain("chat");
    reply.thenRun(() -> repliedOn.set(Thread.currentThread()));
    long deadline = System.nanoTime() + RouterUnderTest.REPLY_WITHIN.toNanos();
    while (upstream.getNumberOfDependents() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();

    upstream.complete(ScriptedAdapter.completion("Hello there")); // this thread plays the upstream's IO thread

    assertTrue(reply.isDone(), "answered before the upstream's thread let go of the answer");
    assertEquals(Thread.currentThread(), repliedOn.get());
    assertInstanceOf(ExchangeReply.Completed.class, reply.get());
    router.awaitSnapshot("a", a -> {
      assertEquals(1, a.succeeded());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void plainFailureBeforeAnyAnswerFailsOverToTheNextCandidate() {
    ScriptedAdapter overloaded = ScriptedAdapter.plain(() -> CompletableFuture.failedFuture(
        UpstreamError.of(ErrorClass.OVERLOADED, 503, "busy").exception()));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", overloaded)
        .provider("b", ScriptedAdapter.plain(() -> CompletableFuture.completedFuture(ScriptedAdapter.completion("from b"))))
        .route("chat", 3, "a", "b")
        .start();

    var completed = assertInstanceOf(ExchangeReply.Completed.class, router.dispatchPlain("chat"));

    assertEquals("b", completed.provider());
    assertEquals(2, completed.attempts());
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("overloaded", 1L), a.failuresByClass());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void plainCallThatMissesItsDeadlineTimesOutAndFailsOverWhileItsLateAnswerIsIgnored() {
    CompletableFuture<ChatCompletion> never = new CompletableFuture<>();
    ScriptedAdapter silent = ScriptedAdapter.plain(() -> never);
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", silent, 8, QUICK)
        .provider("b", ScriptedAdapter.plain(() -> CompletableFuture.completedFuture(ScriptedAdapter.completion("from b"))))
        .route("chat", 3, "a", "b")
        .start();

    var completed = assertInstanceOf(ExchangeReply.Completed.class, router.dispatchPlain("chat"));
    assertTrue(never.isCancelled(), "the call past its deadline is abandoned, so its connection closes");
    never.complete(ScriptedAdapter.completion("too late"));

    assertEquals("b", completed.provider());
    router.awaitSnapshot("a", a -> {
      assertEquals(Map.of("timeout", 1L), a.failuresByClass());
      assertEquals(0, a.succeeded());
      assertEquals(0, a.inFlight());
    });
  }

  @Test
  void plainAnswerWithoutAnyChoiceCountsAsAFailureAndFailsOver() {
    ChatCompletion empty = new ChatCompletion("chatcmpl-0", 1L, "m", List.of(), Optional.empty());
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.plain(() -> CompletableFuture.completedFuture(empty)))
        .provider("b", ScriptedAdapter.plain(() -> CompletableFuture.completedFuture(ScriptedAdapter.completion("from b"))))
        .route("chat", 3, "a", "b")
        .start();

    var completed = assertInstanceOf(ExchangeReply.Completed.class, router.dispatchPlain("chat"));

    assertEquals("b", completed.provider());
    router.awaitSnapshot("a", a -> assertEquals(Map.of("server_error", 1L), a.failuresByClass()));
  }

  @Test
  void plainClientMistakeIsNotRetried() {
    ScriptedAdapter second = ScriptedAdapter.plain(() -> CompletableFuture.completedFuture(ScriptedAdapter.completion("never")));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.plain(() -> CompletableFuture.failedFuture(
            UpstreamError.of(ErrorClass.BAD_REQUEST, 400, "bad").exception())))
        .provider("b", second)
        .route("chat", 3, "a", "b")
        .start();

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatchPlain("chat"));

    assertEquals(400, failed.error().status());
    assertEquals(1, failed.attempts());
    assertEquals(0, second.chatCalls());
    router.awaitSnapshot("a", a -> assertEquals(0, a.inFlight()));
  }
}
