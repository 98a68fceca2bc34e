package io.hedgerow.router.hedging;

import java.util.function.LongSupplier;

/**
 * Caps a route's hedges to a share of its requests over a sliding window, so that an outage that makes
 * every first token late cannot double the traffic. The window is kept as ten slices; a hedge is allowed
 * while hedges stay within {@code max(minimum, percent × requests)}. Shared by all of a route's exchanges.
 */
public final class HedgeBudget {
  private static final int SLICES = 10;

  private final double fraction;
  private final int minimum;
  private final long sliceNanos;
  private final LongSupplier clock;
  private final long[] requests = new long[SLICES];
  private final long[] hedges = new long[SLICES];
  private long currentSlice = Long.MIN_VALUE;
  private long denied;

  public HedgeBudget(HedgingSettings settings, LongSupplier nanoClock) {
    this.fraction = settings.budgetPercent() / 100.0;
    this.minimum = settings.budgetMinimum();
    this.sliceNanos = Math.max(1, settings.budgetWindow().toNanos() / SLICES);
    this.clock = nanoClock;
  }

  public HedgeBudget(HedgingSettings settings) {
    this(settings, System::nanoTime);
  }

  /** Counts one request of the route. */
  public synchronized void recordRequest() {
    requests[advance()]++;
  }

  /** Takes one hedge from the budget, or answers false (and counts the denial) when it is spent. */
  public synchronized boolean tryHedge() {
    int slot = advance();
    long r = 0;
    long h = 0;
    for (int i = 0; i < SLICES; i++) {
      r += requests[i];
      h += hedges[i];
    }
    if (h + 1 > Math.max(minimum, Math.floor(fraction * r))) {
      denied++;
      return false;
    }
    hedges[slot]++;
    return true;
  }

  public synchronized long denied() {
    return denied;
  }

  /** Moves the window to now, clearing the slices that fell out of it; returns the current slice's index. */
  private int advance() {
    long slice = clock.getAsLong() / sliceNanos;
    if (currentSlice == Long.MIN_VALUE) currentSlice = slice;
    long steps = Math.min(SLICES, slice - currentSlice);
    for (long s = 1; s <= steps; s++) {
      int i = (int) Math.floorMod(currentSlice + s, (long) SLICES);
      requests[i] = 0;
      hedges[i] = 0;
    }
    if (slice > currentSlice) currentSlice = slice;
    return (int) Math.floorMod(currentSlice, (long) SLICES);
  }
}
