package io.hedgerow.router.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.router.health.BreakerSettings;
import io.hedgerow.router.limits.Limits;
import java.time.Duration;

/**
 * One provider deployment as configured: what its adapter needs, plus what its actor enforces and
 * watches: limits, circuit breaker, the window its health is measured over, and attempt deadlines.
 */
public record ProviderConfig(
    ProviderSettings adapter, Limits limits, BreakerSettings breaker, Duration healthWindow, AttemptTimeouts timeouts) {

  public static final Duration DEFAULT_HEALTH_WINDOW = Duration.ofSeconds(60);

  /** Only a concurrency limit, with default breaker and health settings. */
  public ProviderConfig(ProviderSettings adapter, int maxConcurrent, AttemptTimeouts timeouts) {
    this(adapter, Limits.concurrency(maxConcurrent), BreakerSettings.DEFAULTS, DEFAULT_HEALTH_WINDOW, timeouts);
  }

  public String name() {
    return adapter.name();
  }

  public int maxConcurrent() {
    return limits.maxConcurrent();
  }

  /** The same provider with {@code limits} instead, e.g. this node's share of them. */
  public ProviderConfig withLimits(Limits newLimits) {
    return new ProviderConfig(adapter, newLimits, breaker, healthWindow, timeouts);
  }

  /** Reads a provider block (already over {@code provider-defaults}); {@code path} names it in errors. */
  static ProviderConfig of(ProviderSettings adapter, Config block, String path) {
    if (block.hasPath("max-concurrent")) {
      throw new ConfigException.BadValue(path + ".max-concurrent", "moved: set limits.max-concurrent instead");
    }
    Duration window = block.getDuration("health.window");
    if (window.isZero() || window.isNegative()) throw new ConfigException.BadValue(path + ".health.window", "must be positive");
    return new ProviderConfig(adapter, Limits.fromConfig(block.getConfig("limits"), path + ".limits"),
        BreakerSettings.fromConfig(block.getConfig("circuit-breaker"), path + ".circuit-breaker"), window,
        AttemptTimeouts.fromConfig(block.getConfig("timeouts")));
  }
}
