package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.FirstTokenDeadline;
import io.hedgerow.router.hedging.HedgeBudget;
import io.hedgerow.router.hedging.HedgingSettings;
import io.hedgerow.router.health.BreakerSettings;
import io.hedgerow.router.limits.Limits;
import io.hedgerow.router.metrics.ProviderMetrics;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.stream.Chunks;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hedging in the exchange under manual time: an attempt that misses its first-token deadline gets a hedge
 * on the next healthy candidate with capacity, within the route's budget; the first token wins and the
 * other attempt is aborted. Upstreams here answer only when the test says so.
 */
class ExchangeHedgingTest {
  private static final Duration DEADLINE = Duration.ofMillis(500);
  private static final Duration REPLY_WITHIN = Duration.ofSeconds(5);
  /** Real time for the exchange to finish what it started; the timers themselves only move with manual time. */
  private static final Duration SETTLE = Duration.ofMillis(50);
  // far beyond any time these tests let pass, so only the hedging deadline ever fires
  private static final AttemptTimeouts PATIENT =
      new AttemptTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));
  private static final BreakerSettings BREAKER = new BreakerSettings(
      3, 0.5, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5));
  private static final HedgingSettings HEDGING =
      new HedgingSettings(true, new FirstTokenDeadline.Fixed(DEADLINE), 1, 10, Duration.ofSeconds(10), 5);

  private static ActorTestKit kit;
  private static ManualTime manualTime;
  private final ManualClock clock = new ManualClock();
  private final Map<String, ProviderHandle> providers = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("ExchangeHedgingTest", ManualTime.config());
    manualTime = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  // ---- fixtures

  /**
   * An upstream that sends nothing until the test answers or fails it, and tells when it was torn down:
   * a loser's upstream is closed without ever having answered.
   */
  private static final class HeldUpstream implements Supplier<Source<ChatChunk, NotUsed>> {
    private final CompletableFuture<List<ChatChunk>> answer = new CompletableFuture<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    final ScriptedAdapter adapter = ScriptedAdapter.streaming(this);

    @Override
    public Source<ChatChunk, NotUsed> get() {
      return Source.completionStage(answer)
          .<ChatChunk>mapConcat(chunks -> chunks)
          .watchTermination((notUsed, done) -> {
            done.whenComplete((ok, failure) -> closed.complete(null));
            return notUsed;
          })
          // runs as the exchange materializes the attempt, just before it arms the attempt's deadline
          .mapMaterializedValue(notUsed -> {
            started.complete(null);
            return notUsed;
          });
    }

    void answer(String first, String second) {
      answer.complete(Chunks.answer(first, second));
    }

    void fail(ErrorClass errorClass, int status) {
      answer.completeExceptionally(UpstreamError.of(errorClass, status, "scripted " + errorClass.label()).exception());
    }

    /** Waits until the upstream's stream was torn down while it had not answered: its connection closed. */
    void awaitClosedUnanswered() throws Exception {
      closed.get(REPLY_WITHIN.toSeconds(), TimeUnit.SECONDS);
      assertFalse(answer.isDone(), "closed before it answered");
    }
  }

  private ActorRef<ProviderActor.Command> provider(String name, ScriptedAdapter adapter) {
    return provider(name, adapter, 8);
  }

  private ActorRef<ProviderActor.Command> provider(String name, ScriptedAdapter adapter, int maxConcurrent) {
    ProviderSettings settings = new ProviderSettings(
        name, "scripted", "http://" + name + ".invalid", Optional.empty(), Map.of(), ConfigFactory.empty());
    ProviderConfig config = new ProviderConfig(settings, Limits.concurrency(maxConcurrent), BREAKER,
        ProviderConfig.DEFAULT_HEALTH_WINDOW, PATIENT);
    ActorRef<ProviderActor.Command> actor = kit.spawn(ProviderActor.create(config, ProviderMetrics.OFF, clock));
    providers.put(name, new ProviderHandle(actor, adapter, PATIENT));
    return actor;
  }

  /** A route over the named providers in order, each serving {@code <provider>-model}. */
  private static Route route(int maxAttempts, HedgingSettings hedging, String... providerNames) {
    return new Route("chat", Arrays.stream(providerNames).map(p -> new Candidate(p, p + "-model", "chat")).toList(),
        maxAttempts, hedging, Optional.empty());
  }

  private HedgeBudget budget(HedgingSettings hedging) {
    return new HedgeBudget(hedging, clock);
  }

  /** Starts one exchange; its reply comes to the returned probe. */
  private TestProbe<ExchangeReply> dispatch(Route route, HedgeBudget budget) {
    TestProbe<ExchangeReply> reply = kit.createTestProbe();
    kit.spawn(Exchange.create(RouterUnderTest.chat("chat"), route, Map.copyOf(providers), budget, reply.ref()));
    return reply;
  }

  private void timePasses(Duration d) {
    clock.advance(d);
    manualTime.timePasses(d);
  }

  /**
   * Waits until an attempt on {@code upstream} has started, then lets the exchange arm that attempt's
   * deadline: manual time that passes before a timer is armed does not count towards it.
   */
  private static void awaitAttempt(HeldUpstream upstream, TestProbe<ExchangeReply> reply) throws Exception {
    upstream.started.get(REPLY_WITHIN.toSeconds(), TimeUnit.SECONDS);
    reply.expectNoMessage(SETTLE);
  }

  private ProviderSnapshot snapshot(ActorRef<ProviderActor.Command> provider) {
    TestProbe<ProviderSnapshot> probe = kit.createTestProbe();
    provider.tell(new ProviderActor.GetSnapshot(probe.ref()));
    return probe.receiveMessage(REPLY_WITHIN);
  }

  /** Waits until the provider's snapshot satisfies the assertion: permits come back asynchronously. */
  private void awaitSnapshot(ActorRef<ProviderActor.Command> provider, java.util.function.Consumer<ProviderSnapshot> assertion) {
    TestProbe<ProviderSnapshot> probe = kit.createTestProbe();
    probe.awaitAssert(REPLY_WITHIN, () -> {
      assertion.accept(snapshot(provider));
      return null;
    });
  }

  private static String drain(ExchangeReply.Streaming streaming) throws Exception {
    return Chunks.textOf(streaming.chunks().runWith(Sink.seq(), Materializer.matFromSystem(kit.system()))
        .toCompletableFuture().get(REPLY_WITHIN.toSeconds(), TimeUnit.SECONDS));
  }

  private static ExchangeReply.Streaming streaming(TestProbe<ExchangeReply> reply) {
    return assertInstanceOf(ExchangeReply.Streaming.class, reply.receiveMessage(REPLY_WITHIN));
  }

  // ---- the deadline

  @Test
  void noHedgeIsStartedBeforeTheFirstTokenDeadline() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Too", " early"));
    provider("a", primary.adapter);
    var b = provider("b", fallback);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b"), budget(HEDGING));
    awaitAttempt(primary, reply);

    timePasses(DEADLINE.minusMillis(1));

    reply.expectNoMessage(SETTLE);
    assertEquals(0, fallback.chatCalls());
    assertEquals(0, snapshot(b).granted());
    primary.answer("Hello", " there");
    var answer = streaming(reply);
    assertEquals("a", answer.provider());
    assertFalse(answer.hedged());
    assertEquals(1, answer.attempts());
    assertEquals("Hello there", drain(answer));
  }

  @Test
  void hedgeStartsSecondAttemptWhenFirstTokenMissesDeadline() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Hedged", " answer"));
    var a = provider("a", primary.adapter);
    var b = provider("b", fallback);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b"), budget(HEDGING));
    awaitAttempt(primary, reply);
    timePasses(DEADLINE.minusMillis(1));
    reply.expectNoMessage(SETTLE);

    timePasses(Duration.ofMillis(1));

    var answer = streaming(reply);
    assertEquals("b", answer.provider());
    assertTrue(answer.hedged());
    assertEquals(2, answer.attempts());
    assertEquals(1, fallback.chatCalls());
    assertEquals("Hedged answer", drain(answer));
    primary.awaitClosedUnanswered();
    awaitSnapshot(a, s -> {
      assertEquals(1, s.hedgesLost());
      assertEquals(1, s.cancelled());
      assertEquals(Map.of(), s.failuresByClass(), "losing a race is not a failure");
      assertEquals("closed", s.circuit());
      assertEquals(0, s.inFlight());
    });
    awaitSnapshot(b, s -> {
      assertEquals(1, s.succeeded());
      assertEquals(0, s.hedgesLost());
      assertEquals(0, s.inFlight());
    });
  }

  @Test
  void firstTokenBeforeTheDeadlineMeansNoHedgeEvenAfterTimePasses() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Never", " sent"));
    var a = provider("a", primary.adapter);
    var b = provider("b", fallback);
    HedgeBudget budget = budget(HEDGING);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b"), budget);
    awaitAttempt(primary, reply);
    timePasses(DEADLINE.dividedBy(2));

    primary.answer("On", " time");
    var answer = streaming(reply);
    timePasses(DEADLINE.multipliedBy(4));

    reply.expectNoMessage(SETTLE);
    assertEquals("a", answer.provider());
    assertFalse(answer.hedged());
    assertEquals(1, answer.attempts());
    assertEquals("On time", drain(answer));
    assertEquals(0, fallback.chatCalls());
    assertEquals(0, snapshot(b).granted());
    assertEquals(0, budget.denied());
    awaitSnapshot(a, s -> {
      assertEquals(1, s.succeeded());
      assertEquals(0, s.hedgesLost());
    });
  }

  // ---- the race

  @Test
  void originalAnsweringFirstAfterAHedgeStartedAbortsTheHedge() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    HeldUpstream hedge = new HeldUpstream();
    var a = provider("a", primary.adapter);
    var b = provider("b", hedge.adapter);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b"), budget(HEDGING));
    awaitAttempt(primary, reply);
    timePasses(DEADLINE);
    awaitAttempt(hedge, reply);

    primary.answer("Original", " wins");

    var answer = streaming(reply);
    assertEquals("a", answer.provider());
    assertTrue(answer.hedged(), "a hedge was started, whichever attempt won");
    assertEquals(2, answer.attempts());
    assertEquals("Original wins", drain(answer));
    hedge.awaitClosedUnanswered();
    awaitSnapshot(b, s -> {
      assertEquals(1, s.hedgesLost());
      assertEquals(Map.of(), s.failuresByClass());
      assertEquals(0, s.inFlight());
    });
    awaitSnapshot(a, s -> assertEquals(1, s.succeeded()));
  }

  @Test
  void originalFailingBeforeItsFirstTokenLeavesTheHedgeToWin() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    HeldUpstream hedge = new HeldUpstream();
    ScriptedAdapter third = ScriptedAdapter.answering(Chunks.answer("Never", " sent"));
    var a = provider("a", primary.adapter);
    provider("b", hedge.adapter);
    provider("c", third);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b", "c"), budget(HEDGING));
    awaitAttempt(primary, reply);
    timePasses(DEADLINE);
    awaitAttempt(hedge, reply);

    primary.fail(ErrorClass.SERVER_ERROR, 500);
    awaitSnapshot(a, s -> assertEquals(Map.of("server_error", 1L), s.failuresByClass()));
    reply.expectNoMessage(SETTLE);
    assertEquals(0, third.chatCalls(), "the running hedge carries on; no failover");
    hedge.answer("Hedge", " wins");

    var answer = streaming(reply);
    assertEquals("b", answer.provider());
    assertTrue(answer.hedged());
    assertEquals(2, answer.attempts());
    assertEquals("Hedge wins", drain(answer));
    assertEquals(0, third.chatCalls());
  }

  @Test
  void originalAndHedgeBothFailingFailOverToTheThirdCandidate() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    HeldUpstream hedge = new HeldUpstream();
    ScriptedAdapter third = ScriptedAdapter.answering(Chunks.answer("Third", " time"));
    provider("a", primary.adapter);
    var b = provider("b", hedge.adapter);
    provider("c", third);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b", "c"), budget(HEDGING));
    awaitAttempt(primary, reply);
    timePasses(DEADLINE);
    awaitAttempt(hedge, reply);

    primary.fail(ErrorClass.SERVER_ERROR, 500);
    hedge.fail(ErrorClass.OVERLOADED, 503);

    var answer = streaming(reply);
    assertEquals("c", answer.provider());
    assertTrue(answer.hedged());
    assertEquals(3, answer.attempts());
    assertEquals("Third time", drain(answer));
    awaitSnapshot(b, s -> assertEquals(Map.of("overloaded", 1L), s.failuresByClass()));
  }

  // ---- when no hedge is sent

  @Test
  void spentBudgetSendsNoHedgeAndTheOriginalStillAnswers() throws Exception {
    HedgingSettings noBudget = new HedgingSettings(true, new FirstTokenDeadline.Fixed(DEADLINE), 1, 0,
        Duration.ofSeconds(10), 0);
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Never", " sent"));
    provider("a", primary.adapter);
    var b = provider("b", fallback);
    HedgeBudget budget = budget(noBudget);
    TestProbe<ExchangeReply> reply = dispatch(route(3, noBudget, "a", "b"), budget);
    awaitAttempt(primary, reply);

    timePasses(DEADLINE.multipliedBy(3));

    reply.expectNoMessage(SETTLE);
    assertEquals(1, budget.denied());
    assertEquals(0, fallback.chatCalls());
    assertEquals(0, snapshot(b).granted());
    primary.answer("Slow", " but sure");
    var answer = streaming(reply);
    assertEquals("a", answer.provider());
    assertFalse(answer.hedged());
    assertEquals(1, answer.attempts());
    assertEquals("Slow but sure", drain(answer));
  }

  @Test
  void providerWithoutCapacityIsNeverAHedgeTarget() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Never", " sent"));
    provider("a", primary.adapter);
    var b = provider("b", fallback, 1);
    Permit taken = holdPermit(b);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b"), budget(HEDGING));
    awaitAttempt(primary, reply);

    timePasses(DEADLINE);

    awaitSnapshot(b, s -> assertEquals(Map.of("capacity", 1L), s.rejectedByReason()));
    reply.expectNoMessage(SETTLE);
    assertEquals(0, fallback.chatCalls());
    assertEquals(0, snapshot(b).queued(), "a hedge never waits for capacity");
    primary.answer("Slow", " but sure");
    var answer = streaming(reply);
    assertEquals("a", answer.provider());
    assertFalse(answer.hedged(), "no hedge was started");
    assertEquals(1, answer.attempts());
    assertEquals("Slow but sure", drain(answer));
    taken.release(new Outcome.Cancelled(Duration.ZERO));
  }

  @Test
  void providerWithAnOpenCircuitIsNeverAHedgeTarget() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Never", " sent"));
    provider("a", primary.adapter);
    var b = provider("b", fallback);
    for (int i = 0; i < BREAKER.consecutiveFailures(); i++) {
      holdPermit(b).release(new Outcome.Failed(ErrorClass.OVERLOADED, Duration.ofMillis(10)));
    }
    assertEquals("open", snapshot(b).circuit());
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b"), budget(HEDGING));
    awaitAttempt(primary, reply);

    timePasses(DEADLINE);

    awaitSnapshot(b, s -> assertEquals(Map.of("circuit_open", 1L), s.rejectedByReason()));
    reply.expectNoMessage(SETTLE);
    assertEquals(0, fallback.chatCalls());
    primary.answer("Slow", " but sure");
    var answer = streaming(reply);
    assertEquals("a", answer.provider());
    assertFalse(answer.hedged());
    assertEquals("Slow but sure", drain(answer));
  }

  @Test
  void hedgePassesOverAFullProviderToTheNextCandidate() throws Exception {
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter full = ScriptedAdapter.answering(Chunks.answer("Never", " sent"));
    ScriptedAdapter third = ScriptedAdapter.answering(Chunks.answer("Hedged", " further"));
    provider("a", primary.adapter);
    var b = provider("b", full, 1);
    provider("c", third);
    Permit taken = holdPermit(b);
    TestProbe<ExchangeReply> reply = dispatch(route(3, HEDGING, "a", "b", "c"), budget(HEDGING));
    awaitAttempt(primary, reply);

    timePasses(DEADLINE);

    var answer = streaming(reply);
    assertEquals("c", answer.provider());
    assertTrue(answer.hedged());
    assertEquals(2, answer.attempts());
    assertEquals("Hedged further", drain(answer));
    assertEquals(0, full.chatCalls());
    primary.awaitClosedUnanswered();
    taken.release(new Outcome.Cancelled(Duration.ZERO));
  }

  // ---- adaptive deadlines

  private static final FirstTokenDeadline.Adaptive ADAPTIVE =
      new FirstTokenDeadline.Adaptive(95, 2.0, Duration.ofMillis(50), Duration.ofSeconds(5), 20);

  /** Takes one permit; the admission asks for a first-token deadline when {@code policy} is given. */
  private Permit grantedTo(ActorRef<ProviderActor.Command> provider, Optional<FirstTokenDeadline> policy) {
    Admission admission = new Admission(0, Mode.NORMAL, Duration.ZERO, "m", 0);
    if (policy.isPresent()) admission = admission.withDeadline(policy.get());
    TestProbe<ProviderActor.AcquireReply> probe = kit.createTestProbe();
    provider.tell(new ProviderActor.Acquire(probe.ref(), admission));
    return assertInstanceOf(ProviderActor.Granted.class, probe.receiveMessage(REPLY_WITHIN)).permit();
  }

  private Permit holdPermit(ActorRef<ProviderActor.Command> provider) {
    return grantedTo(provider, Optional.empty());
  }

  /** Completes one attempt per TTFT given, in milliseconds. */
  private void answeredWithTtfts(ActorRef<ProviderActor.Command> provider, int fromMs, int toMs) {
    for (int ms = fromMs; ms <= toMs; ms++) {
      holdPermit(provider).release(new Outcome.Succeeded(Duration.ofMillis(ms * 3L), Optional.of(Duration.ofMillis(ms)),
          Optional.empty()));
    }
  }

  private Duration ttftAt(ActorRef<ProviderActor.Command> provider, double percentile) {
    TestProbe<ProviderActor.TtftPercentile> probe = kit.createTestProbe();
    provider.tell(new ProviderActor.GetTtftPercentile(percentile, probe.ref()));
    return probe.receiveMessage(REPLY_WITHIN).value();
  }

  @Test
  void adaptiveDeadlineIsTheProvidersP95TimesTheMultiplier() {
    var a = provider("a", ScriptedAdapter.answering(Chunks.answer("x", "y")));
    answeredWithTtfts(a, 1, 100);

    Duration p95 = ttftAt(a, 95);
    Duration deadline = grantedTo(a, Optional.of(ADAPTIVE)).firstTokenDeadline().orElseThrow();

    assertEquals(95, p95.toMillis(), 1);
    assertEquals(Duration.ofNanos((long) (p95.toNanos() * 2.0)), deadline);
  }

  @Test
  void adaptiveDeadlineIsClampedToItsMinimumAndMaximum() {
    var fast = provider("fast", ScriptedAdapter.answering(Chunks.answer("x", "y")));
    var slow = provider("slow", ScriptedAdapter.answering(Chunks.answer("x", "y")));
    answeredWithTtfts(fast, 1, 20); // p95 ≈ 19 ms; × 2 is under 50 ms
    answeredWithTtfts(slow, 3000, 3030); // p95 ≈ 3 s; × 2 is over 5 s

    assertEquals(Optional.of(Duration.ofMillis(50)), grantedTo(fast, Optional.of(ADAPTIVE)).firstTokenDeadline());
    assertEquals(Optional.of(Duration.ofSeconds(5)), grantedTo(slow, Optional.of(ADAPTIVE)).firstTokenDeadline());
  }

  @Test
  void adaptiveDeadlineIsItsMaximumUntilTheProviderHasMinSamples() {
    var a = provider("a", ScriptedAdapter.answering(Chunks.answer("x", "y")));
    assertEquals(Optional.of(Duration.ofSeconds(5)), grantedTo(a, Optional.of(ADAPTIVE)).firstTokenDeadline());

    answeredWithTtfts(a, 100, 118); // 19 samples, one short
    assertEquals(Optional.of(Duration.ofSeconds(5)), grantedTo(a, Optional.of(ADAPTIVE)).firstTokenDeadline());

    answeredWithTtfts(a, 119, 119);
    Duration deadline = grantedTo(a, Optional.of(ADAPTIVE)).firstTokenDeadline().orElseThrow();
    assertEquals(Duration.ofNanos((long) (ttftAt(a, 95).toNanos() * 2.0)), deadline);
    assertTrue(deadline.compareTo(Duration.ofMillis(200)) > 0 && deadline.compareTo(Duration.ofMillis(250)) < 0, deadline.toString());
  }

  @Test
  void permitCarriesNoDeadlineWhenTheAdmissionAskedForNone() {
    var a = provider("a", ScriptedAdapter.answering(Chunks.answer("x", "y")));

    assertEquals(Optional.empty(), holdPermit(a).firstTokenDeadline());
  }

  @Test
  void hedgeWaitsForTheAdaptiveDeadlineOfTheProviderItIsRacing() throws Exception {
    HedgingSettings adaptive = new HedgingSettings(true, ADAPTIVE, 1, 10, Duration.ofSeconds(10), 5);
    HeldUpstream primary = new HeldUpstream();
    ScriptedAdapter fallback = ScriptedAdapter.answering(Chunks.answer("Hedged", " answer"));
    var a = provider("a", primary.adapter);
    provider("b", fallback);
    answeredWithTtfts(a, 200, 300);
    Duration deadline = Duration.ofNanos((long) (ttftAt(a, 95).toNanos() * 2.0));
    TestProbe<ExchangeReply> reply = dispatch(route(3, adaptive, "a", "b"), budget(adaptive));
    awaitAttempt(primary, reply);

    timePasses(deadline.minusMillis(1));
    reply.expectNoMessage(SETTLE);
    assertEquals(0, fallback.chatCalls());
    timePasses(Duration.ofMillis(1));

    var answer = streaming(reply);
    assertEquals("b", answer.provider());
    assertTrue(answer.hedged());
    assertEquals("Hedged answer", drain(answer));
  }
}
