package io.hedgerow.router.actor;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What an exchange needs of one provider: its actor (for permits), its adapter and deadlines (for
 * attempts), how long a request may wait in its queue ({@code limits.queue-timeout}, for
 * {@link Admission#maxWait}), and its metrics (for the hedging counters).
 */
public record ProviderHandle(ActorRef<ProviderActor.Command> actor, ProviderAdapter adapter, AttemptTimeouts timeouts,
    Duration queueTimeout, ProviderMetrics metrics) {

  public ProviderHandle(ActorRef<ProviderActor.Command> actor, ProviderAdapter adapter, AttemptTimeouts timeouts) {
    this(actor, adapter, timeouts, Duration.ZERO, ProviderMetrics.OFF);
  }
}
