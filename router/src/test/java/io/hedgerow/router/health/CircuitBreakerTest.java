package io.hedgerow.router.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.router.health.CircuitBreaker.State;
import io.hedgerow.router.health.CircuitBreaker.Ticket;
import io.hedgerow.router.health.CircuitBreaker.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private static final BreakerSettings SETTINGS = new BreakerSettings(
      3, 0.5, 10, Duration.ofSeconds(30), Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5));
  private long now = 5_000_000_000L;
  private final CircuitBreaker breaker = new CircuitBreaker(SETTINGS, now);

  private void attempt(Verdict verdict) {
    breaker.record(breaker.admit(now), verdict, now);
  }

  private void later(Duration d) {
    now += d.toNanos();
  }

  @Test
  void opensAfterConsecutiveFailuresAndASuccessResetsTheCount() {
    attempt(Verdict.FAILURE);
    attempt(Verdict.FAILURE);
    attempt(Verdict.SUCCESS);
    attempt(Verdict.FAILURE);
    attempt(Verdict.FAILURE);
    assertEquals(State.CLOSED, breaker.state(now));

    attempt(Verdict.FAILURE);

    assertEquals(State.OPEN, breaker.state(now));
    assertFalse(breaker.admits(now));
    assertEquals(Duration.ofSeconds(10), breaker.untilHalfOpen(now));
  }

  @Test
  void opensOnTheErrorRateOnceTheWindowHoldsEnoughRequests() {
    for (int i = 0; i < 9; i++) attempt(i % 2 == 0 ? Verdict.SUCCESS : Verdict.FAILURE);
    assertEquals(State.CLOSED, breaker.state(now), "4 of 9 failed, and 9 are too few to judge");
    attempt(Verdict.FAILURE);
    assertEquals(State.OPEN, breaker.state(now), "5 of 10 failed: 50%");
  }

  @Test
  void errorsOutsideTheWindowNoLongerCount() {
    for (int i = 0; i < 8; i++) attempt(i % 2 == 0 ? Verdict.FAILURE : Verdict.SUCCESS);
    later(Duration.ofSeconds(40));
    attempt(Verdict.FAILURE);
    attempt(Verdict.SUCCESS);
    assertEquals(State.CLOSED, breaker.state(now));
  }

  @Test
  void neutralVerdictsNeitherTripNorReset() {
    attempt(Verdict.FAILURE);
    attempt(Verdict.FAILURE);
    for (int i = 0; i < 20; i++) attempt(Verdict.NEUTRAL);
    attempt(Verdict.FAILURE);
    assertEquals(State.OPEN, breaker.state(now));
  }

  @Test
  void halfOpenAfterTheCoolDownLetsInOnlyTheProbesAndClosesWhenTheyAllSucceed() {
    for (int i = 0; i < 3; i++) attempt(Verdict.FAILURE);
    later(Duration.ofSeconds(10));
    assertEquals(State.HALF_OPEN, breaker.state(now));

    Ticket first = breaker.admit(now);
    Ticket second = breaker.admit(now);
    assertTrue(first.probe() && second.probe());
    assertFalse(breaker.admits(now), "two probes are out");

    breaker.record(first, Verdict.SUCCESS, now);
    assertEquals(State.HALF_OPEN, breaker.state(now));
    breaker.record(second, Verdict.SUCCESS, now);
    assertEquals(State.CLOSED, breaker.state(now));
  }

  @Test
  void aFailedProbeReopensForAnotherCoolDown() {
    for (int i = 0; i < 3; i++) attempt(Verdict.FAILURE);
    later(Duration.ofSeconds(10));
    Ticket probe = breaker.admit(now);
    later(Duration.ofSeconds(1));

    breaker.record(probe, Verdict.FAILURE, now);

    assertEquals(State.OPEN, breaker.state(now));
    assertEquals(Duration.ofSeconds(10), breaker.untilHalfOpen(now));
  }

  @Test
  void answersFromBeforeATransitionChangeNothing() {
    Ticket early = breaker.admit(now);
    for (int i = 0; i < 3; i++) attempt(Verdict.FAILURE);
    later(Duration.ofSeconds(10));
    Ticket probe = breaker.admit(now);

    breaker.record(early, Verdict.FAILURE, now);
    assertEquals(State.HALF_OPEN, breaker.state(now), "a failure admitted while closed does not reopen");
    breaker.record(probe, Verdict.SUCCESS, now);
    assertEquals(State.HALF_OPEN, breaker.state(now));
  }

  @Test
  void aForcedAttemptThroughAnOpenCircuitCountsAsAProbe() {
    for (int i = 0; i < 3; i++) attempt(Verdict.FAILURE);
    Ticket forced = breaker.admit(now);
    assertEquals(State.OPEN, breaker.state(now));

    breaker.record(forced, Verdict.SUCCESS, now);

    assertEquals(State.HALF_OPEN, breaker.state(now));
    attempt(Verdict.SUCCESS);
    assertEquals(State.CLOSED, breaker.state(now));
  }
}
