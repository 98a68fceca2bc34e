package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.actor.ProviderActor.AcquireReply;
import io.hedgerow.router.actor.ProviderActor.Granted;
import io.hedgerow.router.actor.ProviderActor.RejectReason;
import io.hedgerow.router.actor.ProviderActor.Rejected;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.health.BreakerSettings;
import io.hedgerow.router.limits.Limits;
import io.hedgerow.router.limits.RateLimitSignals;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One provider actor under manual time: buckets refill, cool-downs end, circuits half-open and queued
 * requests time out only when the test moves the clock.
 */
class ProviderActorTest {
  private static final Duration NO_WAIT = Duration.ZERO;
  private static final Duration LONG_WAIT = Duration.ofSeconds(30);
  private static final BreakerSettings BREAKER = new BreakerSettings(
      3, 0.5, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5));
  private static final AttemptTimeouts TIMEOUTS = new AttemptTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30));

  private static ActorTestKit kit;
  private static ManualTime manualTime;
  private final ManualClock clock = new ManualClock();

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("ProviderActorTest", ManualTime.config());
    manualTime = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private void timePasses(Duration d) {
    clock.advance(d);
    manualTime.timePasses(d);
  }

  private ActorRef<ProviderActor.Command> provider(Limits limits) {
    ProviderSettings settings = new ProviderSettings("p", "scripted", "http://p.invalid", Optional.empty(), Map.of(),
        ConfigFactory.empty());
    return kit.spawn(ProviderActor.create(
        new ProviderConfig(settings, limits, BREAKER, Duration.ofSeconds(60), TIMEOUTS), ProviderMetrics.OFF, clock));
  }

  private static Limits limits(long rpm, long tpm, int maxConcurrent, int queueSize) {
    return new Limits(rpm > 0 ? OptionalLong.of(rpm) : OptionalLong.empty(), tpm > 0 ? OptionalLong.of(tpm) : OptionalLong.empty(),
        maxConcurrent, queueSize, Duration.ofSeconds(2));
  }

  private static Admission normal(int tokens, Duration maxWait) {
    return new Admission(tokens, Mode.NORMAL, maxWait, "m", tokens);
  }

  private TestProbe<AcquireReply> ask(ActorRef<ProviderActor.Command> p, Admission admission) {
    TestProbe<AcquireReply> probe = kit.createTestProbe();
    p.tell(new ProviderActor.Acquire(probe.ref(), admission));
    return probe;
  }

  private Permit granted(ActorRef<ProviderActor.Command> p, Admission admission) {
    return assertInstanceOf(Granted.class, ask(p, admission).receiveMessage()).permit();
  }

  private Rejected rejected(ActorRef<ProviderActor.Command> p, Admission admission) {
    return assertInstanceOf(Rejected.class, ask(p, admission).receiveMessage());
  }

  private ProviderSnapshot snapshot(ActorRef<ProviderActor.Command> p) {
    TestProbe<ProviderSnapshot> probe = kit.createTestProbe();
    p.tell(new ProviderActor.GetSnapshot(probe.ref()));
    return probe.receiveMessage();
  }

  /** The actor has handled everything sent so far and did not answer {@code probe}. */
  private void assertStillWaiting(ActorRef<ProviderActor.Command> p, TestProbe<AcquireReply> probe) {
    snapshot(p);
    probe.expectNoMessage(Duration.ofMillis(20));
  }

  private static Outcome ok() {
    return new Outcome.Succeeded(Duration.ofMillis(100), Optional.of(Duration.ofMillis(40)), Optional.empty());
  }

  private static Outcome failed(ErrorClass c) {
    return new Outcome.Failed(c, Duration.ofMillis(10));
  }

  // ---- concurrency and the queue

  @Test
  void grantsUpToTheConcurrencyLimitThenRejectsWithCapacity() {
    var p = provider(limits(0, 0, 2, 10));
    granted(p, normal(0, NO_WAIT));
    granted(p, normal(0, NO_WAIT));

    Rejected r = rejected(p, normal(0, NO_WAIT));

    assertEquals(RejectReason.CAPACITY, r.reason());
    assertEquals("p", r.provider());
    assertEquals(2, snapshot(p).inFlight());
  }

  @Test
  void queuedRequestIsGrantedWhenAPermitComesBack() {
    var p = provider(limits(0, 0, 1, 10));
    Permit first = granted(p, normal(0, NO_WAIT));
    TestProbe<AcquireReply> waiting = ask(p, normal(0, LONG_WAIT));
    assertStillWaiting(p, waiting);
    assertEquals(1, snapshot(p).queued());

    first.release(ok());

    assertInstanceOf(Granted.class, waiting.receiveMessage());
    assertEquals(0, snapshot(p).queued());
  }

  @Test
  void queuedRequestIsRejectedAtItsDeadline() {
    var p = provider(limits(0, 0, 1, 10));
    granted(p, normal(0, NO_WAIT));
    TestProbe<AcquireReply> waiting = ask(p, normal(0, Duration.ofSeconds(2)));
    assertStillWaiting(p, waiting);

    timePasses(Duration.ofMillis(1999));
    assertStillWaiting(p, waiting);
    timePasses(Duration.ofMillis(1));

    assertEquals(RejectReason.QUEUE_TIMEOUT, assertInstanceOf(Rejected.class, waiting.receiveMessage()).reason());
    assertEquals(0, snapshot(p).queued());
  }

  @Test
  void fullQueueRejectsAtOnce() {
    var p = provider(limits(0, 0, 1, 1));
    granted(p, normal(0, NO_WAIT));
    ask(p, normal(0, LONG_WAIT));

    assertEquals(RejectReason.QUEUE_FULL, rejected(p, normal(0, LONG_WAIT)).reason());
  }

  @Test
  void burstOfTenTimesTheLimitIsServedInTurnNeverExceedingIt() {
    int limit = 4;
    var p = provider(limits(0, 0, limit, 100));
    List<TestProbe<AcquireReply>> probes = new ArrayList<>();
    for (int i = 0; i < 10 * limit; i++) probes.add(ask(p, normal(0, LONG_WAIT)));

    int served = 0;
    for (TestProbe<AcquireReply> probe : probes) {
      Permit permit = assertInstanceOf(Granted.class, probe.receiveMessage()).permit();
      assertTrue(snapshot(p).inFlight() <= limit);
      served++;
      permit.release(ok());
    }

    assertEquals(10 * limit, served);
    ProviderSnapshot s = snapshot(p);
    assertEquals(0, s.inFlight());
    assertEquals(10 * limit, s.granted());
    assertEquals(0, s.rejected());
  }

  // ---- buckets

  @Test
  void requestsBucketRefillsWithTimeAndGrantsTheWaitingRequest() {
    var p = provider(limits(60, 0, 10, 10)); // one request per second
    for (int i = 0; i < 60; i++) granted(p, normal(0, NO_WAIT)).release(ok());
    Rejected r = rejected(p, normal(0, NO_WAIT));
    assertEquals(RejectReason.RATE_LIMITED, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(1)), r.retryAfter());

    TestProbe<AcquireReply> waiting = ask(p, normal(0, LONG_WAIT));
    timePasses(Duration.ofMillis(999));
    assertStillWaiting(p, waiting);
    timePasses(Duration.ofMillis(1));

    assertInstanceOf(Granted.class, waiting.receiveMessage());
  }

  @Test
  void tokensAreReservedAtAdmissionAndSettledWithTheReportedUsage() {
    var p = provider(limits(0, 1000, 10, 10));
    Permit first = granted(p, normal(600, NO_WAIT));
    Rejected r = rejected(p, normal(600, NO_WAIT));
    assertEquals(RejectReason.RATE_LIMITED, r.reason());
    assertEquals(Optional.of(Duration.ofMillis(12_000)), r.retryAfter(), "200 tokens short at 1000 a minute");

    first.release(new Outcome.Succeeded(Duration.ofMillis(100), Optional.empty(), Optional.of(Usage.of(60, 40))));

    assertEquals(900, snapshot(p).buckets().get("tokens").available(), "500 of the 600 reserved came back");
    granted(p, normal(600, NO_WAIT));
  }

  @Test
  void usageBeyondTheReservationIsTakenOnTop() {
    var p = provider(limits(0, 1000, 10, 10));
    granted(p, normal(100, NO_WAIT)).release(
        new Outcome.Succeeded(Duration.ofMillis(100), Optional.empty(), Optional.of(Usage.of(300, 500))));

    assertEquals(200, snapshot(p).buckets().get("tokens").available());
  }

  @Test
  void attemptThatFailedBeforeItsFirstTokenGetsItsReservationBack() {
    var p = provider(limits(0, 1000, 10, 10));
    granted(p, normal(800, NO_WAIT)).release(failed(ErrorClass.SERVER_ERROR));

    assertEquals(1000, snapshot(p).buckets().get("tokens").available());
  }

  @Test
  void providerHeadersHoldTheBucketDownUntilTheirReset() {
    var p = provider(limits(0, 0, 10, 10));
    p.tell(new ProviderActor.LearnedLimits(new RateLimitSignals(
        Optional.of(new RateLimitSignals.Remaining(0, Optional.of(Duration.ofSeconds(5)))), Optional.empty(), Optional.empty())));

    Rejected r = rejected(p, normal(0, NO_WAIT));
    assertEquals(RejectReason.RATE_LIMITED, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(5)), r.retryAfter());
    assertEquals(5000, snapshot(p).buckets().get("requests").heldForMs());

    timePasses(Duration.ofSeconds(5));
    granted(p, normal(0, NO_WAIT));
  }

  // ---- circuit breaker and cool-downs

  private void openCircuit(ActorRef<ProviderActor.Command> p) {
    for (int i = 0; i < 3; i++) granted(p, normal(0, NO_WAIT)).release(failed(ErrorClass.OVERLOADED));
    assertEquals("open", snapshot(p).circuit());
  }

  @Test
  void consecutiveFailuresOpenTheCircuitAndRejectionsSayWhenItHalfOpens() {
    var p = provider(limits(0, 0, 10, 10));
    openCircuit(p);

    Rejected r = rejected(p, normal(0, LONG_WAIT));

    assertEquals(RejectReason.CIRCUIT_OPEN, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(10)), r.retryAfter());
    assertEquals("open", snapshot(p).circuit());
    assertEquals(0, snapshot(p).queued(), "an open circuit does not queue");
  }

  @Test
  void afterTheCoolDownTheHalfOpenProbesCloseTheCircuit() {
    var p = provider(limits(0, 0, 10, 10));
    openCircuit(p);
    timePasses(Duration.ofSeconds(10));
    assertEquals("half_open", snapshot(p).circuit());

    Permit probe1 = granted(p, normal(0, NO_WAIT));
    Permit probe2 = granted(p, normal(0, NO_WAIT));
    assertEquals(RejectReason.CIRCUIT_OPEN, rejected(p, normal(0, NO_WAIT)).reason(), "only two probes at a time");
    assertEquals(RejectReason.CIRCUIT_OPEN, rejected(p, new Admission(0, Mode.HEDGE, NO_WAIT)).reason(),
        "no hedging to a provider on probation");

    probe1.release(ok());
    probe2.release(ok());

    assertEquals("closed", snapshot(p).circuit());
    granted(p, new Admission(0, Mode.HEDGE, NO_WAIT));
  }

  @Test
  void aFailedProbeReopensTheCircuit() {
    var p = provider(limits(0, 0, 10, 10));
    openCircuit(p);
    timePasses(Duration.ofSeconds(10));

    granted(p, normal(0, NO_WAIT)).release(failed(ErrorClass.CONNECTION));

    ProviderSnapshot s = snapshot(p);
    assertEquals("open", s.circuit());
    assertEquals(10_000, s.circuitOpenForMs());
  }

  @Test
  void clientMistakesAndRateLimitsDoNotOpenTheCircuit() {
    var p = provider(limits(0, 0, 10, 10));
    for (ErrorClass c : List.of(ErrorClass.BAD_REQUEST, ErrorClass.CONTEXT_LENGTH, ErrorClass.CONTENT_FILTER,
        ErrorClass.BAD_REQUEST, ErrorClass.CONTEXT_LENGTH)) {
      granted(p, normal(0, NO_WAIT)).release(failed(c));
    }
    assertEquals("closed", snapshot(p).circuit());
  }

  @Test
  void rateLimitWithRetryAfterCoolsTheProviderDownForThatLong() {
    var p = provider(limits(0, 0, 10, 10));
    granted(p, normal(0, NO_WAIT)).release(
        new Outcome.Failed(ErrorClass.RATE_LIMITED, Duration.ofMillis(5), Optional.of(Duration.ofSeconds(7))));

    Rejected r = rejected(p, normal(0, LONG_WAIT));
    assertEquals(RejectReason.COOLING_DOWN, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(7)), r.retryAfter());
    assertEquals("closed", snapshot(p).circuit(), "a rate limit is not a failure");

    timePasses(Duration.ofSeconds(7));
    granted(p, normal(0, NO_WAIT));
  }

  @Test
  void forceIgnoresAnOpenCircuitAndACoolDownButNotTheConcurrencyLimit() {
    var p = provider(limits(0, 0, 1, 10));
    openCircuit(p);
    granted(p, new Admission(0, Mode.FORCE, NO_WAIT));

    assertEquals(RejectReason.CAPACITY, rejected(p, new Admission(0, Mode.FORCE, NO_WAIT)).reason());
  }

  @Test
  void hedgeNeverWaits() {
    var p = provider(limits(0, 0, 1, 10));
    granted(p, normal(0, NO_WAIT));

    assertEquals(RejectReason.CAPACITY, rejected(p, new Admission(0, Mode.HEDGE, LONG_WAIT)).reason());
    assertEquals(0, snapshot(p).queued());
  }

  @Test
  void lostHedgesAreNeitherErrorsNorBadHealth() {
    var p = provider(limits(0, 0, 10, 10));
    for (int i = 0; i < 10; i++) {
      granted(p, normal(100, NO_WAIT)).release(new Outcome.Cancelled(Duration.ofMillis(300), true));
    }

    ProviderSnapshot s = snapshot(p);
    assertEquals("closed", s.circuit());
    assertEquals(Map.of(), s.failuresByClass());
    assertEquals(Map.of(), s.errorRates());
    assertEquals(10, s.hedgesLost());
    assertEquals(0, s.inFlight());
  }

  // ---- health

  @Test
  void snapshotAndTtftQueryDescribeTheWindow() {
    var p = provider(limits(0, 0, 10, 10));
    for (int ms = 1; ms <= 100; ms++) {
      granted(p, normal(0, NO_WAIT)).release(new Outcome.Succeeded(Duration.ofMillis(10L * ms),
          Optional.of(Duration.ofMillis(ms)), Optional.empty()));
    }
    granted(p, normal(0, NO_WAIT)).release(failed(ErrorClass.TIMEOUT));

    ProviderSnapshot s = snapshot(p);
    assertEquals(100, s.ttft().count());
    assertEquals(95, s.ttft().p95Ms(), 1);
    assertEquals(500, s.latency().p50Ms(), 5);
    assertEquals(1.0 / 101, s.errorRates().get("timeout"), 1e-9);
    assertEquals(101, s.models().get("m").attempts());

    TestProbe<ProviderActor.TtftPercentile> ttft = kit.createTestProbe();
    p.tell(new ProviderActor.GetTtftPercentile(95, ttft.ref()));
    ProviderActor.TtftPercentile p95 = ttft.receiveMessage();
    assertEquals(100, p95.samples());
    assertEquals(95, p95.value().toMillis(), 1);

    timePasses(Duration.ofSeconds(70));
    assertEquals(0, snapshot(p).ttft().count(), "the window has moved past them");
  }
}
