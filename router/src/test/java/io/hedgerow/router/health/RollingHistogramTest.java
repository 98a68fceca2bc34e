package io.hedgerow.router.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RollingHistogramTest {
  private static final long T0 = 0;

  @Test
  void percentilesOverTheWindow() {
    RollingHistogram h = new RollingHistogram(Duration.ofSeconds(60), 6, T0);
    for (int ms = 1; ms <= 100; ms++) h.record(Duration.ofMillis(ms), T0);

    Percentiles p = h.percentiles(T0);

    assertEquals(100, p.count());
    assertEquals(50, p.p50Ms(), 1);
    assertEquals(95, p.p95Ms(), 1);
    assertEquals(99, p.p99Ms(), 1);
    assertEquals(Duration.ofMillis(90).toMillis(), h.valueAt(90, T0).toMillis(), 1);
  }

  @Test
  void oldSlicesDropOutAsTimeMovesOn() {
    RollingHistogram h = new RollingHistogram(Duration.ofSeconds(60), 6, T0);
    h.record(Duration.ofSeconds(5), T0);
    long later = Duration.ofSeconds(30).toNanos();
    h.record(Duration.ofMillis(100), later);
    assertEquals(2, h.count(later));

    long afterWindow = Duration.ofSeconds(65).toNanos();
    assertEquals(1, h.count(afterWindow));
    assertEquals(100, h.percentiles(afterWindow).p99Ms(), 1);
    assertEquals(Percentiles.EMPTY, h.percentiles(Duration.ofMinutes(10).toNanos()));
  }
}
