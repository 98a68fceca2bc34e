package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.stream.Chunks;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A provider at its concurrency limit is passed over, and a route with no capacity left says so with a 429. */
class ExchangeCapacityTest {
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
  void providerAtItsLimitIsPassedOverForTheNextCandidate() {
    ScriptedAdapter a = ScriptedAdapter.answering(Chunks.answer("from", " a"));
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", a, 1, RouterUnderTest.PATIENT)
        .provider("b", ScriptedAdapter.answering(Chunks.answer("from", " b")))
        .route("chat", 3, "a", "b")
        .start();
    Permit held = router.holdPermit("a");

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));

    assertEquals("b", streaming.provider());
    assertEquals(1, streaming.attempts()); // a rejection is not an attempt
    assertEquals(0, a.chatCalls());
    ProviderSnapshot snapshot = router.snapshot("a");
    assertEquals(1, snapshot.rejected());
    assertEquals(1, snapshot.inFlight());
    held.release(new Outcome.Cancelled(Duration.ZERO));
    router.awaitSnapshot("a", s -> assertEquals(0, s.inFlight()));
  }

  @Test
  void everyCandidateAtCapacityWaitsInAQueueThenFailsAsRateLimitedWithARetryAfter() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.answering(Chunks.answer("from", " a")), 1, RouterUnderTest.PATIENT)
        .provider("b", ScriptedAdapter.answering(Chunks.answer("from", " b")), 1, RouterUnderTest.PATIENT)
        .route("chat", 3, "a", "b")
        .start();
    router.holdPermit("a");
    router.holdPermit("b");

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.RATE_LIMITED, failed.error().errorClass());
    assertEquals(429, failed.error().status());
    assertTrue(failed.error().retryAfter().isPresent());
    assertEquals(0, failed.attempts());
    // each turned it away once; then it waited in one queue (the default queue-timeout) and timed out there
    assertEquals(3, router.snapshot("a").rejected() + router.snapshot("b").rejected());
    assertEquals(1, router.snapshot("a").rejectedByReason().getOrDefault("queue_timeout", 0L)
        + router.snapshot("b").rejectedByReason().getOrDefault("queue_timeout", 0L));
  }

  @Test
  void upstreamFailureOutranksALaterCandidatesLackOfCapacity() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.failing(ErrorClass.OVERLOADED, 503))
        .provider("b", ScriptedAdapter.answering(Chunks.answer("from", " b")), 1, RouterUnderTest.PATIENT)
        .route("chat", 3, "a", "b")
        .start();
    router.holdPermit("b");

    var failed = assertInstanceOf(ExchangeReply.Failed.class, router.dispatch("chat"));

    assertEquals(ErrorClass.OVERLOADED, failed.error().errorClass());
    assertEquals(1, failed.attempts());
  }
}
