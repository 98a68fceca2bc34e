package io.hedgerow.router.health;

/** A latency distribution in brief: how many samples, and the median, p95 and p99 in milliseconds (0 when empty). */
public record Percentiles(long count, double p50Ms, double p95Ms, double p99Ms) {
  public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0);
}
