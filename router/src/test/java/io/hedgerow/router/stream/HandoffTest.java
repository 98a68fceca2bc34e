package io.hedgerow.router.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamSubscriptionTimeoutTerminationMode;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream handed over from the stream that started it to the one that runs it: every element in order, its
 * end or failure after them, and its upstream stopped whenever the receiving side stops or never comes.
 */
class HandoffTest {
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

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** Runs {@code upstream} into a handoff; the pair's first completes once {@code upstream} has stopped. */
  private static <T> Pair<CompletionStage<Done>, Handoff<T>> handOver(Source<T, ?> upstream) {
    return upstream.watchTermination(Keep.right()).toMat(Handoff.<T>sink(), Keep.both()).run(materializer);
  }

  @Test
  void theFirstElementIsKnownBeforeTheSourceRunsAndTheSourceEmitsEveryElementInOrder() throws Exception {
    Handoff<String> handoff = handOver(Source.from(List.of("a", "b", "c"))).second();

    assertEquals(Optional.of("a"), await(handoff.first()));
    assertEquals(List.of("a", "b", "c"), await(handoff.source().runWith(Sink.seq(), materializer)));
  }

  @Test
  void aLongStreamStalledBeforeTheSourceRunsResumesAndLosesNothing() throws Exception {
    List<Integer> numbers = IntStream.range(0, 1000).boxed().toList();
    Handoff<Integer> handoff = handOver(Source.from(numbers)).second();
    assertEquals(Optional.of(0), await(handoff.first()));

    // slowed down on the way out, so the intake fills up and waits again and again
    List<Integer> out = await(handoff.source().grouped(7).mapConcat(g -> g).async()
        .runWith(Sink.seq(), materializer));

    assertEquals(numbers, out);
  }

  @Test
  void aFailureComesAfterTheElementsBeforeIt() throws Exception {
    IllegalStateException broken = new IllegalStateException("upstream broke");
    Handoff<String> handoff = handOver(Source.from(List.of("a", "b", "broken")).map(s -> {
      if (s.equals("broken")) throw broken;
      return s;
    })).second();
    assertEquals(Optional.of("a"), await(handoff.first()));

    List<String> seen = new ArrayList<>();
    CompletionStage<Done> run = handoff.source().runForeach(seen::add, materializer);

    ExecutionException e = assertThrows(ExecutionException.class, () -> await(run));
    assertSame(broken, e.getCause());
    assertEquals(List.of("a", "b"), seen);
  }

  @Test
  void aStreamEndingWithoutElementsHasNoFirst() throws Exception {
    Handoff<String> handoff = handOver(Source.<String>empty()).second();

    assertEquals(Optional.empty(), await(handoff.first()));
    assertEquals(List.of(), await(handoff.source().runWith(Sink.seq(), materializer)));
  }

  @Test
  void aStreamFailingBeforeItsFirstElementFailsTheFirst() {
    IllegalStateException broken = new IllegalStateException("no connection");
    Handoff<String> handoff = handOver(Source.<String>failed(broken)).second();

    ExecutionException e = assertThrows(ExecutionException.class, () -> await(handoff.first()));
    assertSame(broken, e.getCause());
  }

  @Test
  void theSourceRunsOnlyOnce() throws Exception {
    Handoff<String> handoff = handOver(Source.single("a")).second();
    await(handoff.source().runWith(Sink.seq(), materializer));

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(handoff.source().runWith(Sink.seq(), materializer)));
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void aSourceThatStopsEarlyStopsTheUpstream() throws Exception {
    var run = handOver(Source.single("a").concat(Source.maybe()));
    await(run.second().first());

    assertEquals(List.of("a"), await(run.second().source().take(1).runWith(Sink.seq(), materializer)));

    assertEquals(Done.done(), await(run.first()));
  }

  @Test
  void cancellingBeforeTheSourceRunsStopsTheUpstream() throws Exception {
    var run = handOver(Source.single("a").concat(Source.maybe()));
    await(run.second().first());

    run.second().cancel();

    assertEquals(Done.done(), await(run.first()));
  }

  @Test
  void aSourceNobodyRunsStopsTheUpstreamAfterTheSubscriptionTimeout() throws Exception {
    var run = Source.single("a").concat(Source.maybe()).watchTermination(Keep.right())
        .toMat(Handoff.<String>sink().withAttributes(ActorAttributes.streamSubscriptionTimeout(
            Duration.ofMillis(200), StreamSubscriptionTimeoutTerminationMode.cancel())), Keep.both())
        .run(materializer);
    await(run.second().first());

    assertEquals(Done.done(), await(run.first()));
    CompletableFuture<List<String>> late = run.second().source().runWith(Sink.seq(), materializer).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }
}
