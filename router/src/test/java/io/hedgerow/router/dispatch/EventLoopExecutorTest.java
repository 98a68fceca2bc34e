package io.hedgerow.router.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.loop.EventLoop;
import io.hedgerow.providers.loop.EventLoopGroup;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * Pekko's default dispatcher as the gateway ships it: actors run on event loops, which the server and the
 * upstream client find and share; with a fork-join dispatcher instead, the gateway does its IO on loops of
 * its own and serves the same.
 */
class EventLoopExecutorTest {
  private static final String SIM = """
      hedgerow {
        sim.embedded = on
        sim.instances = [ { name = a, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 2ms, output-tokens = 6 } ]
        providers { a { kind = openai, base-url = "sim://a/v1" } }
        models { a { provider = a, upstream-model = "a-1" } }
      }
      """;

  @Test
  void actorsRunOnTheDispatchersEventLoopsSizedLikeAForkJoinPool() throws Exception {
    ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString(
        "pekko.actor.default-dispatcher.event-loop-executor { parallelism-min = 3, parallelism-factor = 0.5, busy-poll = 3ms }")
        .withFallback(ConfigFactory.load()));
    try {
      TestProbe<Optional<EventLoop>> probe = kit.createTestProbe();
      ActorRef<String> actor = kit.spawn(Behaviors.receiveMessage(m -> {
        probe.ref().tell(Optional.ofNullable(EventLoop.current()));
        return Behaviors.same();
      }));
      actor.tell("where");
      EventLoop ranOn = probe.receiveMessage().orElseThrow(() -> new AssertionError("the actor ran off the loops"));

      EventLoopGroup loops = EventLoopExecutor.loopsOf(kit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .orElseThrow();
      assertEquals(Math.max(3, (int) Math.ceil(Runtime.getRuntime().availableProcessors() * 0.5)), loops.loops().size());
      assertTrue(loops.loops().contains(ranOn));
      assertEquals(java.time.Duration.ofMillis(3), loops.busyPoll());
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void withAForkJoinDispatcherTheGatewayServesOnLoopsOfItsOwn() throws Exception {
    try (RunningGateway gw = RunningGateway.start(SIM + """
        pekko.actor.default-dispatcher.executor = "fork-join-executor"
        """)) {
      assertEquals(Optional.empty(),
          EventLoopExecutor.loopsOf(gw.gateway().system()).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertServes(gw);
    }
  }

  @Test
  void asShippedTheGatewayServesPlainAndStreamedAnswersOnTheDispatchersLoops() throws Exception {
    try (RunningGateway gw = RunningGateway.start(SIM)) {
      assertNotNull(EventLoopExecutor.loopsOf(gw.gateway().system()).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .orElse(null));
      assertServes(gw);
    }
  }

  @Test
  void withBusyPollingLoopsTheGatewayServesTheSame() throws Exception {
    try (RunningGateway gw = RunningGateway.start(SIM + """
        pekko.actor.default-dispatcher.event-loop-executor.busy-poll = 1ms
        """)) {
      assertEquals(java.time.Duration.ofMillis(1), EventLoopExecutor.loopsOf(gw.gateway().system()).toCompletableFuture()
          .get(5, TimeUnit.SECONDS).orElseThrow().busyPoll());
      assertServes(gw);
    }
  }

  private static void assertServes(RunningGateway gw) {
    HttpResponse<String> plain = gw.post("/v1/chat/completions",
        "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(200, plain.statusCode(), plain.body());
    assertEquals(6, SseStream.json(plain.body()).path("usage").path("completion_tokens").asInt());
    HttpResponse<String> stream = gw.post("/v1/chat/completions",
        "{\"model\":\"a\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(200, stream.statusCode());
    List<String> frames = new SseStream(new java.io.ByteArrayInputStream(stream.body().getBytes())).rest();
    assertEquals("[DONE]", frames.get(frames.size() - 1));
  }
}
