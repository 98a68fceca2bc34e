package io.hedgerow.router.config;

import com.typesafe.config.Config;
import io.hedgerow.providers.ProviderSettings;

/** One provider deployment as configured: what its adapter needs, plus the limits and timeouts its actor enforces. */
public record ProviderConfig(ProviderSettings adapter, int maxConcurrent, AttemptTimeouts timeouts) {
  public String name() {
    return adapter.name();
  }

  static ProviderConfig of(ProviderSettings adapter, Config block) {
    return new ProviderConfig(adapter, block.getInt("max-concurrent"), AttemptTimeouts.fromConfig(block.getConfig("timeouts")));
  }
}
