package io.hedgerow.router.health;

import java.time.Duration;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Durations recorded over a sliding time window: the window is cut into slices, the oldest slice is
 * dropped as time moves on, and a running sum of the live slices answers percentiles without merging.
 * Microsecond resolution, two significant digits, up to ten minutes (longer values count as ten
 * minutes). Not thread-safe; clock-free: every call says what time it is, in nanoseconds.
 */
public final class RollingHistogram {
  private static final long HIGHEST_MICROS = Duration.ofMinutes(10).toNanos() / 1000;

  private final long sliceNanos;
  private final AbstractHistogram[] slices;
  private final AbstractHistogram live;
  private long currentSlice;

  public RollingHistogram(Duration window, int sliceCount, long now) {
    if (sliceCount < 1 || window.isZero() || window.isNegative()) throw new IllegalArgumentException("bad window");
    this.sliceNanos = Math.max(1, window.toNanos() / sliceCount);
    this.slices = new AbstractHistogram[sliceCount];
    for (int i = 0; i < sliceCount; i++) slices[i] = histogram();
    this.live = histogram();
    this.currentSlice = Math.floorDiv(now, sliceNanos);
  }

  private static AbstractHistogram histogram() {
    return new IntCountsHistogram(1, HIGHEST_MICROS, 2);
  }

  public void record(Duration value, long now) {
    advance(now);
    long micros = Math.max(1, Math.min(HIGHEST_MICROS, value.toNanos() / 1000));
    slices[slot(currentSlice)].recordValue(micros);
    live.recordValue(micros);
  }

  /** Samples in the window. */
  public long count(long now) {
    advance(now);
    return live.getTotalCount();
  }

  /** The value below which {@code percentile} percent of the window's samples fall; zero when empty. */
  public Duration valueAt(double percentile, long now) {
    advance(now);
    return live.getTotalCount() == 0 ? Duration.ZERO : Duration.ofNanos(live.getValueAtPercentile(percentile) * 1000);
  }

  public Percentiles percentiles(long now) {
    advance(now);
    if (live.getTotalCount() == 0) return Percentiles.EMPTY;
    return new Percentiles(live.getTotalCount(), millis(50), millis(95), millis(99));
  }

  private double millis(double percentile) {
    return live.getValueAtPercentile(percentile) / 1000.0;
  }

  private void advance(long now) {
    long target = Math.floorDiv(now, sliceNanos);
    if (target <= currentSlice) return;
    if (target - currentSlice >= slices.length) {
      for (AbstractHistogram h : slices) h.reset();
      live.reset();
    } else {
      for (long s = currentSlice + 1; s <= target; s++) {
        AbstractHistogram expired = slices[slot(s)];
        live.subtract(expired);
        expired.reset();
      }
    }
    currentSlice = target;
  }

  private int slot(long slice) {
    return (int) Math.floorMod(slice, (long) slices.length);
  }
}
