package io.hedgerow.router.hedging;

import java.time.Duration;
import java.util.function.DoubleFunction;

/** A provider's recent time-to-first-token distribution, as much of it as adaptive deadlines need. */
public record TtftPercentiles(long samples, DoubleFunction<Duration> percentile) {
  public static final TtftPercentiles NONE = new TtftPercentiles(0, p -> Duration.ZERO);

  public Duration at(double p) {
    return percentile.apply(p);
  }
}
