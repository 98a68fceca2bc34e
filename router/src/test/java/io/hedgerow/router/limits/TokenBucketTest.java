package io.hedgerow.router.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long T0 = 1_000_000_000L;

  private static long at(Duration d) {
    return T0 + d.toNanos();
  }

  @Test
  void startsFullAndRefillsContinuouslyAtItsRatePerMinute() {
    TokenBucket b = TokenBucket.perMinute(60, T0);
    b.take(60, T0);
    assertFalse(b.covers(1, T0));

    assertEquals(0.5, b.level(at(Duration.ofMillis(500))), 1e-9);
    assertTrue(b.covers(1, at(Duration.ofSeconds(1))));
    assertEquals(60, b.level(at(Duration.ofMinutes(5))), 1e-9, "never above its capacity");
  }

  @Test
  void timeUntilSaysWhenTheTakeFits() {
    TokenBucket b = TokenBucket.perMinute(600, T0); // 10 per second
    b.take(600, T0);

    assertEquals(Duration.ofMillis(500), b.timeUntil(5, T0));
    assertEquals(Duration.ZERO, b.timeUntil(5, at(Duration.ofMillis(500))));
  }

  @Test
  void requestLargerThanTheBucketWaitsForAFullBucketThenDrivesItNegative() {
    TokenBucket b = TokenBucket.perMinute(100, T0);
    b.take(10, T0);
    assertFalse(b.covers(250, T0));
    assertEquals(Duration.ofSeconds(6), b.timeUntil(250, T0));

    long full = at(Duration.ofSeconds(6));
    assertTrue(b.covers(250, full));
    b.take(250, full);
    assertEquals(-150, b.level(full), 1e-9);
  }

  @Test
  void settlementGivesBackUnusedTokensButNeverAboveCapacity() {
    TokenBucket b = TokenBucket.perMinute(1000, T0);
    b.take(800, T0);
    b.give(500, T0);
    assertEquals(700, b.level(T0), 1e-9);
    b.give(5000, T0);
    assertEquals(1000, b.level(T0), 1e-9);
  }

  @Test
  void providerSignalLowersTheBucketAndSlowsItsRefillUntilTheReset() {
    TokenBucket b = TokenBucket.perMinute(6000, T0); // 100 per second of our own
    b.observe(0, Optional.of(Duration.ofSeconds(10)), T0);

    assertEquals(0, b.level(T0), 1e-9);
    // the provider refills 6000 over 10 s, 600/s, but we never refill faster than our own 100/s
    assertEquals(100, b.level(at(Duration.ofSeconds(1))), 1e-6);
    assertEquals(Optional.of(Duration.ofSeconds(9)), b.heldFor(at(Duration.ofSeconds(1))));
  }

  @Test
  void providerSignalAboveWhatTheBucketHoldsChangesNothing() {
    TokenBucket b = TokenBucket.perMinute(100, T0);
    b.take(90, T0);
    b.observe(5000, Optional.of(Duration.ofMinutes(1)), T0);

    assertEquals(10, b.level(T0), 1e-9);
    assertEquals(Optional.empty(), b.heldFor(T0));
  }

  @Test
  void unlimitedBucketIsHeldAtWhatTheProviderSaysUntilItsReset() {
    TokenBucket b = TokenBucket.unlimited(T0);
    assertTrue(b.covers(1_000_000, T0));

    b.observe(2, Optional.of(Duration.ofSeconds(20)), T0);
    b.take(1, T0);
    b.take(1, T0);
    assertFalse(b.covers(1, at(Duration.ofSeconds(19))));
    assertEquals(Duration.ofSeconds(20), b.timeUntil(1, T0));

    assertTrue(b.covers(1_000_000, at(Duration.ofSeconds(20))));
  }
}
