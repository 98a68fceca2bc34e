package io.hedgerow.router.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.actor.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The monitor reports exactly one outcome per attempt, however the attempt ends. */
class AttemptMonitorTest {
  private static final Duration WITHIN = Duration.ofSeconds(3);
  private static final Duration QUIET = Duration.ofMillis(100);
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

  private static Source<ChatChunk, NotUsed> neverEnding(ChatChunk first) {
    return Source.single(first).concat(Source.<ChatChunk>maybe().mapMaterializedValue(m -> NotUsed.notUsed()));
  }

  @Test
  void completedAttemptReportsSuccessWithTimeToFirstTokenAndUsage() throws Exception {
    TestProbe<Outcome> reports = kit.createTestProbe();
    Source.from(List.of(Chunks.roleOpener(), Chunks.text("Hi"), Chunks.finish(), Chunks.usage(7, 2)))
        .via(new AttemptMonitor(reports.ref()::tell))
        .runWith(Sink.ignore(), materializer).toCompletableFuture().get(5, TimeUnit.SECONDS);

    Outcome.Succeeded succeeded = reports.expectMessageClass(Outcome.Succeeded.class, WITHIN);
    assertTrue(succeeded.firstToken().isPresent());
    assertTrue(succeeded.firstToken().get().compareTo(succeeded.latency()) <= 0);
    assertEquals(Usage.of(7, 2), succeeded.usage().orElseThrow());
    reports.expectNoMessage(QUIET);
  }

  @Test
  void attemptThatEndsWithoutAnyTokenCountsAsAFailure() throws Exception {
    TestProbe<Outcome> reports = kit.createTestProbe();
    Source.single(Chunks.roleOpener())
        .via(new AttemptMonitor(reports.ref()::tell))
        .runWith(Sink.ignore(), materializer).toCompletableFuture().get(5, TimeUnit.SECONDS);

    Outcome.Failed failed = reports.expectMessageClass(Outcome.Failed.class, WITHIN);
    assertEquals(ErrorClass.SERVER_ERROR, failed.errorClass(), "the exchange fails over, so health counts it failed");
    reports.expectNoMessage(QUIET);
  }

  @Test
  void failedAttemptReportsItsErrorClass() {
    TestProbe<Outcome> reports = kit.createTestProbe();
    Source.single(Chunks.text("Hi"))
        .concat(Source.failed(UpstreamError.of(ErrorClass.RATE_LIMITED, 429, "slow down").exception()))
        .via(new AttemptMonitor(reports.ref()::tell))
        .runWith(Sink.ignore(), materializer);

    assertEquals(ErrorClass.RATE_LIMITED, reports.expectMessageClass(Outcome.Failed.class, WITHIN).errorClass());
    reports.expectNoMessage(QUIET);
  }

  @Test
  void unclassifiedFailureIsReportedAsAConnectionFailure() {
    TestProbe<Outcome> reports = kit.createTestProbe();
    Source.<ChatChunk>failed(new IllegalStateException("socket reset"))
        .via(new AttemptMonitor(reports.ref()::tell))
        .runWith(Sink.ignore(), materializer);

    assertEquals(ErrorClass.CONNECTION, reports.expectMessageClass(Outcome.Failed.class, WITHIN).errorClass());
    reports.expectNoMessage(QUIET);
  }

  @Test
  void consumerLeavingReportsCancelled() {
    TestProbe<Outcome> reports = kit.createTestProbe();
    neverEnding(Chunks.text("Hi"))
        .via(new AttemptMonitor(reports.ref()::tell))
        .take(1)
        .runWith(Sink.ignore(), materializer);

    reports.expectMessageClass(Outcome.Cancelled.class, WITHIN);
    reports.expectNoMessage(QUIET);
  }

  @Test
  void abruptTerminationReportsCancelled() {
    TestProbe<Outcome> reports = kit.createTestProbe();
    Materializer own = Materializer.createMaterializer(kit.system());
    neverEnding(Chunks.text("Hi"))
        .via(new AttemptMonitor(reports.ref()::tell))
        .runWith(Sink.ignore(), own);
    reports.expectNoMessage(QUIET);

    own.shutdown();

    reports.expectMessageClass(Outcome.Cancelled.class, WITHIN);
    reports.expectNoMessage(QUIET);
  }
}
