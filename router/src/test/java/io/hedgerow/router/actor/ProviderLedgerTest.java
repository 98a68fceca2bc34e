package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.actor.ProviderActor.RejectReason;
import io.hedgerow.router.actor.ProviderActor.Rejected;
import io.hedgerow.router.actor.ProviderLedger.Lease;
import io.hedgerow.router.actor.ProviderLedger.Settlement;
import io.hedgerow.router.actor.ProviderLedger.Wait;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.health.BreakerSettings;
import io.hedgerow.router.limits.Capacity.Shortage;
import io.hedgerow.router.limits.Limits;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The provider's books without an actor: decisions, leases and settlements at moments the test names. */
class ProviderLedgerTest {
  private static final Duration NO_WAIT = Duration.ZERO;
  private static final Duration LONG_WAIT = Duration.ofSeconds(30);
  private static final BreakerSettings BREAKER = new BreakerSettings(
      3, 0.5, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5));
  private static final AttemptTimeouts TIMEOUTS = new AttemptTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30));

  private long now = 1_000_000_000L;

  private ProviderLedger ledger(long rpm, long tpm, int maxConcurrent, int queueSize) {
    ProviderSettings settings = new ProviderSettings("p", "scripted", "http://p.invalid", Optional.empty(), Map.of(),
        ConfigFactory.empty());
    Limits limits = new Limits(rpm > 0 ? OptionalLong.of(rpm) : OptionalLong.empty(),
        tpm > 0 ? OptionalLong.of(tpm) : OptionalLong.empty(), maxConcurrent, queueSize, Duration.ofSeconds(2));
    return new ProviderLedger(new ProviderConfig(settings, limits, BREAKER, Duration.ofSeconds(60), TIMEOUTS),
        ProviderMetrics.OFF, now);
  }

  private static Admission normal(int tokens, Duration maxWait) {
    return new Admission(tokens, Mode.NORMAL, maxWait, "m", tokens);
  }

  private Lease granted(ProviderLedger ledger, Admission a) {
    return assertInstanceOf(Lease.class, ledger.decide(a, 0, now));
  }

  private Rejected rejected(ProviderLedger ledger, Admission a) {
    return assertInstanceOf(Rejected.class, ledger.decide(a, 0, now));
  }

  private void later(Duration d) {
    now += d.toNanos();
  }

  private static Outcome ok() {
    return new Outcome.Succeeded(Duration.ofMillis(100), Optional.of(Duration.ofMillis(40)), Optional.empty());
  }

  @Test
  void grantsLeasesUpToTheConcurrencyLimitAndAReleaseFreesOne() {
    ProviderLedger ledger = ledger(0, 0, 2, 10);
    Lease first = granted(ledger, normal(0, NO_WAIT));
    Lease second = granted(ledger, normal(0, NO_WAIT));
    assertTrue(first.id() != second.id());
    assertEquals("m", first.model());

    assertEquals(RejectReason.CAPACITY, rejected(ledger, normal(0, NO_WAIT)).reason());
    assertEquals(Settlement.SETTLED, ledger.release(first.id(), ok(), now));

    granted(ledger, normal(0, NO_WAIT));
    ProviderSnapshot s = ledger.snapshot(0, now);
    assertEquals(3, s.granted());
    assertEquals(Map.of("capacity", 1L), s.rejectedByReason());
    assertEquals(2, s.inFlight());
  }

  @Test
  void aRequestThatMayWaitIsToldToWaitAndANewcomerDoesNotOvertakeTheQueue() {
    ProviderLedger ledger = ledger(0, 0, 1, 2);
    Lease busy = granted(ledger, normal(0, NO_WAIT));

    assertEquals(new Wait(Shortage.CONCURRENCY), ledger.decide(normal(0, LONG_WAIT), 0, now));
    ledger.release(busy.id(), ok(), now);
    assertEquals(new Wait(Shortage.NONE), ledger.decide(normal(0, LONG_WAIT), 1, now), "capacity, but one waits ahead");
    assertEquals(RejectReason.CAPACITY, assertInstanceOf(Rejected.class, ledger.decide(normal(0, NO_WAIT), 1, now)).reason());
    assertEquals(RejectReason.QUEUE_FULL, assertInstanceOf(Rejected.class, ledger.decide(normal(0, LONG_WAIT), 2, now)).reason());
    assertEquals(RejectReason.CAPACITY,
        assertInstanceOf(Rejected.class, ledger.decide(new Admission(0, Mode.HEDGE, LONG_WAIT), 1, now)).reason(),
        "a hedge never waits");
  }

  @Test
  void aWaitForABucketSaysWhenItRefills() {
    ProviderLedger ledger = ledger(60, 0, 10, 10);
    for (int i = 0; i < 60; i++) ledger.release(granted(ledger, normal(0, NO_WAIT)).id(), ok(), now);
    Admission waiting = normal(0, LONG_WAIT);

    Wait wait = assertInstanceOf(Wait.class, ledger.decide(waiting, 0, now));

    assertEquals(Shortage.REQUESTS, wait.shortage());
    assertEquals(Optional.of(Duration.ofSeconds(1)), ledger.refillIn(wait, waiting, now));
    later(Duration.ofSeconds(1));
    granted(ledger, waiting);
  }

  @Test
  void aWaitThatRanOutIsRejectedAndCounted() {
    ProviderLedger ledger = ledger(0, 0, 1, 10);
    granted(ledger, normal(0, NO_WAIT));

    Rejected r = ledger.waitEnded(normal(0, LONG_WAIT), now);

    assertEquals(RejectReason.QUEUE_TIMEOUT, r.reason());
    assertEquals(Map.of("queue_timeout", 1L), ledger.snapshot(0, now).rejectedByReason());
  }

  @Test
  void tokensAreSettledWithUsageAndRefundedOnlyWhenNoTokenCame() {
    ProviderLedger ledger = ledger(0, 1000, 10, 10);
    Lease used = granted(ledger, normal(600, NO_WAIT));
    ledger.release(used.id(), new Outcome.Succeeded(Duration.ofMillis(100), Optional.empty(), Optional.of(Usage.of(60, 40))), now);
    assertEquals(900, ledger.snapshot(0, now).buckets().get("tokens").available());

    Lease started = granted(ledger, normal(300, NO_WAIT));
    ledger.firstToken(started.id());
    ledger.release(started.id(), new Outcome.Failed(ErrorClass.SERVER_ERROR, Duration.ofMillis(10)), now);
    assertEquals(600, ledger.snapshot(0, now).buckets().get("tokens").available(), "it started: its tokens are spent");

    Lease never = granted(ledger, normal(300, NO_WAIT));
    ledger.release(never.id(), new Outcome.Failed(ErrorClass.SERVER_ERROR, Duration.ofMillis(10)), now);
    assertEquals(600, ledger.snapshot(0, now).buckets().get("tokens").available(), "no token came: refunded");
  }

  @Test
  void aSecondReleaseOfTheSamePermitChangesNothing() {
    ProviderLedger ledger = ledger(0, 0, 10, 10);
    Lease lease = granted(ledger, normal(0, NO_WAIT));
    ledger.release(lease.id(), ok(), now);

    assertEquals(Settlement.ALREADY_SETTLED, ledger.release(lease.id(), ok(), now));
    assertEquals(1, ledger.snapshot(0, now).succeeded());
  }

  @Test
  void aRateLimitStartsACoolDownThatRejectsUntilItEnds() {
    ProviderLedger ledger = ledger(0, 0, 10, 10);
    Lease lease = granted(ledger, normal(0, NO_WAIT));

    Settlement settled = ledger.release(lease.id(),
        new Outcome.Failed(ErrorClass.RATE_LIMITED, Duration.ofMillis(5), Optional.of(Duration.ofSeconds(7))), now);

    assertEquals(Settlement.COOL_DOWN_STARTED, settled);
    assertEquals(Duration.ofSeconds(7), ledger.coolingDownFor(now));
    Rejected r = rejected(ledger, normal(0, LONG_WAIT));
    assertEquals(RejectReason.COOLING_DOWN, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(7)), r.retryAfter());
    granted(ledger, new Admission(0, Mode.FORCE, NO_WAIT));
    later(Duration.ofSeconds(7));
    granted(ledger, normal(0, NO_WAIT));
  }

  @Test
  void failuresOpenTheCircuitAndTheRejectionSaysWhenItHalfOpens() {
    ProviderLedger ledger = ledger(0, 0, 10, 10);
    for (int i = 0; i < 3; i++) {
      ledger.release(granted(ledger, normal(0, NO_WAIT)).id(), new Outcome.Failed(ErrorClass.OVERLOADED, Duration.ofMillis(5)), now);
    }

    Rejected r = rejected(ledger, normal(0, LONG_WAIT));

    assertEquals(RejectReason.CIRCUIT_OPEN, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(10)), r.retryAfter());
    assertEquals(Duration.ofSeconds(10), ledger.untilHalfOpen(now));
  }

  @Test
  void anotherNodesWordRejectsOrdinaryTrafficUntilItEndsAndAShorterWordDoesNotShortenIt() {
    ProviderLedger ledger = ledger(0, 0, 10, 10);

    assertTrue(ledger.remoteUnavailable(Duration.ofSeconds(20), RejectReason.CIRCUIT_OPEN, now));
    assertFalse(ledger.remoteUnavailable(Duration.ofSeconds(5), RejectReason.COOLING_DOWN, now));

    Rejected r = rejected(ledger, normal(0, LONG_WAIT));
    assertEquals(RejectReason.CIRCUIT_OPEN, r.reason());
    assertEquals(Optional.of(Duration.ofSeconds(20)), r.retryAfter());
    ProviderSnapshot s = ledger.snapshot(0, now);
    assertEquals("circuit_open", s.remoteUnavailable());
    assertEquals(20_000, s.remoteUnavailableForMs());
    assertEquals("closed", s.circuit(), "this node's own circuit saw nothing");
    granted(ledger, new Admission(0, Mode.FORCE, NO_WAIT));

    later(Duration.ofSeconds(20));
    granted(ledger, normal(0, NO_WAIT));
    assertEquals("none", ledger.snapshot(0, now).remoteUnavailable());
    assertEquals(0, ledger.snapshot(0, now).remoteUnavailableForMs());
  }

  @Test
  void aShareScalesTheLimitsOnce() {
    ProviderLedger ledger = ledger(0, 0, 9, 10);

    assertTrue(ledger.applyShare(1.0 / 3, now));
    assertFalse(ledger.applyShare(1.0 / 3, now));

    assertEquals(3, ledger.limits().maxConcurrent());
    for (int i = 0; i < 3; i++) granted(ledger, normal(0, NO_WAIT));
    assertEquals(RejectReason.CAPACITY, rejected(ledger, normal(0, NO_WAIT)).reason());
  }
}
