package io.hedgerow.router.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of named events over a sliding time window cut into slices. Not thread-safe; clock-free:
 * every call says what time it is, in nanoseconds.
 */
public final class RollingCounts {
  private final long sliceNanos;
  private final List<Map<String, Long>> slices;
  private long currentSlice;

  public RollingCounts(Duration window, int sliceCount, long now) {
    if (sliceCount < 1 || window.isZero() || window.isNegative()) throw new IllegalArgumentException("bad window");
    this.sliceNanos = Math.max(1, window.toNanos() / sliceCount);
    this.slices = new ArrayList<>(sliceCount);
    for (int i = 0; i < sliceCount; i++) slices.add(new HashMap<>());
    this.currentSlice = Math.floorDiv(now, sliceNanos);
  }

  public void add(String key, long now) {
    advance(now);
    slices.get(slot(currentSlice)).merge(key, 1L, Long::sum);
  }

  /** Each key's count in the window, by key. */
  public Map<String, Long> totals(long now) {
    advance(now);
    Map<String, Long> sum = new TreeMap<>();
    for (Map<String, Long> slice : slices) slice.forEach((k, v) -> sum.merge(k, v, Long::sum));
    return sum;
  }

  public long count(String key, long now) {
    advance(now);
    long n = 0;
    for (Map<String, Long> slice : slices) n += slice.getOrDefault(key, 0L);
    return n;
  }

  private void advance(long now) {
    long target = Math.floorDiv(now, sliceNanos);
    if (target <= currentSlice) return;
    long steps = Math.min(target - currentSlice, slices.size());
    for (long s = target - steps + 1; s <= target; s++) slices.get(slot(s)).clear();
    currentSlice = target;
  }

  private int slot(long slice) {
    return (int) Math.floorMod(slice, (long) slices.size());
  }
}
