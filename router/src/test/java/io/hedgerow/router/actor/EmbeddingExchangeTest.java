package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.stream.Chunks;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Embeddings requests through {@link Router.DispatchEmbedding}: only capable candidates, with failover. */
class EmbeddingExchangeTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static ScriptedAdapter embeddingsOk(String model) {
    return ScriptedAdapter.embedding(() -> CompletableFuture.completedFuture(
        new EmbeddingResult(model, List.of(new float[] {0.1f, 0.2f}), 3)));
  }

  private static ScriptedAdapter embeddingsFailing(ErrorClass errorClass, int status) {
    return ScriptedAdapter.embedding(() -> CompletableFuture.failedFuture(
        UpstreamError.of(errorClass, status, "scripted " + errorClass.label()).exception()));
  }

  @Test
  void overloadedEmbeddingProviderFailsOverToTheNext() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", embeddingsFailing(ErrorClass.OVERLOADED, 503))
        .provider("b", embeddingsOk("b-embed"))
        .route("embed", 3, "a", "b")
        .start();

    var embedded = assertInstanceOf(EmbeddingExchange.Embedded.class, router.embed("embed"));

    assertEquals("b", embedded.provider());
    assertEquals(2, embedded.attempts());
    assertEquals(1, embedded.result().vectors().size());
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
  void embeddingsCountForLatencyButNotForTimeToFirstToken() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", embeddingsOk("a-embed"))
        .route("embed", 3, "a")
        .start();

    assertInstanceOf(EmbeddingExchange.Embedded.class, router.embed("embed"));

    router.awaitSnapshot("a", a -> {
      assertEquals(1, a.succeeded());
      assertEquals(1, a.latency().count());
      assertEquals(0, a.ttft().count(), "an embedding has no first token to time");
    });
  }

  @Test
  void chatOnlyCandidatesAreSkippedForEmbeddings() {
    ScriptedAdapter chatOnly = ScriptedAdapter.answering(Chunks.answer("from", " a"));
    ScriptedAdapter b = embeddingsOk("b-embed");
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", chatOnly)
        .provider("b", b)
        .route("embed", 3, "a", "b")
        .start();

    var embedded = assertInstanceOf(EmbeddingExchange.Embedded.class, router.embed("embed"));

    assertEquals("b", embedded.provider());
    assertEquals(1, embedded.attempts());
    assertEquals("b-model", b.lastUpstreamModel());
    assertEquals(0, router.snapshot("a").granted());
  }

  @Test
  void badRequestEmbeddingIsAnsweredAtOnce() {
    ScriptedAdapter b = embeddingsOk("b-embed");
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", embeddingsFailing(ErrorClass.BAD_REQUEST, 400))
        .provider("b", b)
        .route("embed", 3, "a", "b")
        .start();

    var failed = assertInstanceOf(EmbeddingExchange.Failed.class, router.embed("embed"));

    assertEquals(ErrorClass.BAD_REQUEST, failed.error().errorClass());
    assertEquals(1, failed.attempts());
    assertEquals(0, b.embedCalls());
  }

  @Test
  void everyEmbeddingProviderFailingCarriesTheLastFailure() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", embeddingsFailing(ErrorClass.OVERLOADED, 503))
        .provider("b", embeddingsFailing(ErrorClass.SERVER_ERROR, 500))
        .route("embed", 3, "a", "b")
        .start();

    var failed = assertInstanceOf(EmbeddingExchange.Failed.class, router.embed("embed"));

    assertEquals(ErrorClass.SERVER_ERROR, failed.error().errorClass());
    assertEquals(2, failed.attempts());
    router.awaitSnapshot("b", b -> assertEquals(0, b.inFlight()));
  }

  @Test
  void everyEmbeddingProviderAtCapacityFailsAsRateLimited() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", embeddingsOk("a-embed"), 1, RouterUnderTest.PATIENT)
        .route("embed", 3, "a")
        .start();
    router.holdPermit("a");

    var failed = assertInstanceOf(EmbeddingExchange.Failed.class, router.embed("embed"));

    assertEquals(ErrorClass.RATE_LIMITED, failed.error().errorClass());
    assertEquals(429, failed.error().status());
    assertTrue(failed.error().retryAfter().isPresent());
  }

  @Test
  void routeWithoutEmbeddingProvidersIsKnownButUnsupported() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.answering(Chunks.answer("from", " a")))
        .route("chat", 3, "a")
        .start();

    var unsupported = assertInstanceOf(EmbeddingExchange.Unsupported.class, router.embed("chat"));

    assertEquals("chat", unsupported.model());
    assertTrue(unsupported.known());
  }

  @Test
  void unknownModelIsUnsupportedAndUnknown() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", embeddingsOk("a-embed"))
        .route("embed", 3, "a")
        .start();

    var unsupported = assertInstanceOf(EmbeddingExchange.Unsupported.class, router.embed("no-such-model"));

    assertEquals("no-such-model", unsupported.model());
    assertFalse(unsupported.known());
  }
}
