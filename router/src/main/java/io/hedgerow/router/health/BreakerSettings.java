package io.hedgerow.router.health;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * When a provider's circuit opens (consecutive failures, or an error rate over a window once it has seen
 * enough requests), how long it stays open, how many probes test it when half-open, and the cool-down
 * a 429 imposes when it names no Retry-After (never longer than {@code maxCoolDown}).
 */
public record BreakerSettings(
    int consecutiveFailures, double errorRate, int minRequests, Duration window, Duration coolDown,
    int halfOpenProbes, Duration rateLimitCoolDown, Duration maxCoolDown) {

  public static final BreakerSettings DEFAULTS = new BreakerSettings(
      5, 0.5, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ofSeconds(1), Duration.ofMinutes(5));

  /** Reads a {@code circuit-breaker} block; {@code path} names it in errors. */
  public static BreakerSettings fromConfig(Config c, String path) {
    BreakerSettings s = new BreakerSettings(c.getInt("consecutive-failures"), c.getDouble("error-rate"),
        c.getInt("min-requests"), c.getDuration("window"), c.getDuration("cool-down"), c.getInt("half-open-probes"),
        c.getDuration("rate-limit-cool-down"), c.getDuration("max-cool-down"));
    if (s.consecutiveFailures < 1) throw new ConfigException.BadValue(path + ".consecutive-failures", "must be at least 1");
    if (!(s.errorRate > 0 && s.errorRate <= 1)) throw new ConfigException.BadValue(path + ".error-rate", "must be in (0, 1]");
    if (s.minRequests < 1) throw new ConfigException.BadValue(path + ".min-requests", "must be at least 1");
    if (s.window.isZero() || s.window.isNegative()) throw new ConfigException.BadValue(path + ".window", "must be positive");
    if (s.coolDown.isNegative()) throw new ConfigException.BadValue(path + ".cool-down", "must not be negative");
    if (s.halfOpenProbes < 1) throw new ConfigException.BadValue(path + ".half-open-probes", "must be at least 1");
    return s;
  }
}
