package io.hedgerow.router.hedging;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * How long an attempt may go without its first token before a hedge is sent: a fixed duration, or
 * adaptive, from the provider's own time-to-first-token percentile times a multiplier, clamped. Until
 * the provider has enough samples, the adaptive deadline is its maximum.
 */
public sealed interface FirstTokenDeadline {

  /** The deadline for a provider whose TTFT distribution is described by {@code ttft}. */
  Duration forProvider(TtftPercentiles ttft);

  record Fixed(Duration deadline) implements FirstTokenDeadline {
    @Override
    public Duration forProvider(TtftPercentiles ttft) {
      return deadline;
    }
  }

  record Adaptive(double percentile, double multiplier, Duration min, Duration max, long minSamples)
      implements FirstTokenDeadline {
    @Override
    public Duration forProvider(TtftPercentiles ttft) {
      if (ttft.samples() < minSamples) return max;
      long nanos = (long) (ttft.at(percentile).toNanos() * multiplier);
      return Duration.ofNanos(Math.max(min.toNanos(), Math.min(max.toNanos(), nanos)));
    }
  }

  /** Reads {@code first-token-deadline} ("adaptive" or a duration) with its {@code adaptive} block. */
  static FirstTokenDeadline fromConfig(Config hedging) {
    String raw = hedging.getString("first-token-deadline");
    if (!raw.equals("adaptive")) return new Fixed(hedging.getDuration("first-token-deadline"));
    Config a = hedging.getConfig("adaptive");
    double percentile = a.getDouble("percentile");
    if (percentile <= 0 || percentile >= 100) {
      throw new ConfigException.BadValue(a.origin(), "adaptive.percentile", "must be between 0 and 100");
    }
    return new Adaptive(percentile, a.getDouble("multiplier"), a.getDuration("min"), a.getDuration("max"),
        a.getLong("min-samples"));
  }
}
