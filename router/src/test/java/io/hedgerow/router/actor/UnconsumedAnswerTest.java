package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.router.stream.Chunks;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An answer whose stream nobody runs (the client's ask timed out, the reply went to dead letters) must not
 * hold its permit forever: Pekko's subscription timeout cancels the attempt. A system of its own, so the
 * short timeout cannot race the tests that do read their answers.
 */
class UnconsumedAnswerTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString(
        "pekko.stream.materializer.subscription-timeout.timeout = 300ms"));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void answerNeverReadReturnsItsPermitAsCancelled() {
    RouterUnderTest router = RouterUnderTest.with(kit)
        .provider("a", ScriptedAdapter.streaming(() -> Source.single(Chunks.text("Hello"))
            .concat(Source.<ChatChunk>maybe().mapMaterializedValue(m -> NotUsed.notUsed()))))
        .route("chat", 3, "a")
        .start();

    assertInstanceOf(ExchangeReply.Streaming.class, router.dispatch("chat"));

    router.awaitSnapshot("a", a -> {
      assertEquals(1, a.cancelled());
      assertEquals(0, a.inFlight());
    });
  }
}
