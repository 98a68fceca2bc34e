package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.router.stream.Chunks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the router resolves a client's {@code model} before any exchange starts. */
class RouterTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static RouterUnderTest twoProviders(ScriptedAdapter a, ScriptedAdapter b) {
    return RouterUnderTest.with(kit).provider("a", a).provider("b", b).route("chat", 3, "a", "b").start();
  }

  @Test
  void exchangesRunOnTheRoutersOwnDispatcher() {
    AtomicReference<String> calledOn = new AtomicReference<>();
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.plain(() -> {
          calledOn.set(Thread.currentThread().getName());
          return CompletableFuture.completedFuture(ScriptedAdapter.completion("hi"));
        }))
        .route("chat", 1, "a")
        .start(DispatcherSelector.fromConfig(Router.DISPATCHER));

    assertInstanceOf(ExchangeReply.Completed.class, router.dispatchPlain("chat"));

    // the exchange makes the upstream call: it ran on the control plane's dispatcher, not the default one
    assertTrue(calledOn.get().contains(Router.DISPATCHER), calledOn.get());
  }

  @Test
  void unknownModelIsAnsweredWithoutAnyAttempt() {
    ScriptedAdapter a = ScriptedAdapter.answering(Chunks.answer("from", " a"));
    RouterUnderTest router = twoProviders(a, ScriptedAdapter.answering(Chunks.answer("from", " b")));

    var unknown = assertInstanceOf(ExchangeReply.UnknownModel.class, router.dispatch("no-such-model"));

    assertEquals("no-such-model", unknown.model());
    assertEquals(0, a.chatCalls());
    assertEquals(0, router.snapshot("a").granted());
  }

  @Test
  void providerSlashModelGoesStraightToThatProvider() {
    ScriptedAdapter a = ScriptedAdapter.answering(Chunks.answer("from", " a"));
    ScriptedAdapter b = ScriptedAdapter.answering(Chunks.answer("from", " b"));
    RouterUnderTest router = twoProviders(a, b);

    var streaming = assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("b/some-upstream-model"));

    assertEquals("b", streaming.provider());
    assertEquals(1, streaming.attempts());
    assertEquals("some-upstream-model", b.lastUpstreamModel());
    assertEquals(0, a.chatCalls());
  }

  @Test
  void slashFormWithAnUnknownProviderIsAnUnknownModel() {
    RouterUnderTest router = twoProviders(
        ScriptedAdapter.answering(Chunks.answer("from", " a")), ScriptedAdapter.answering(Chunks.answer("from", " b")));

    assertInstanceOf(ExchangeReply.UnknownModel.class, router.dispatch("c/some-upstream-model"));
  }
}
