package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.hedgerow.router.stream.Chunks;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
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
