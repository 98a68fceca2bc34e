package io.hedgerow.router.actor;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What an exchange needs of one provider: its actor (for permits), its adapter and deadlines (for
 * attempts), how long a request may wait in its queue ({@code limits.queue-timeout}, for
 * {@link Admission#maxWait}), its metrics (for the hedging counters), and whether it has a tokens-per-minute
 * limit of ours ({@code countsTokens}), which is what makes a request's tokens worth encoding exactly.
 */
public record ProviderHandle(ActorRef<ProviderActor.Command> actor, ProviderAdapter adapter, AttemptTimeouts timeouts,
    Duration queueTimeout, ProviderMetrics metrics, boolean countsTokens) {

  public ProviderHandle(ActorRef<ProviderActor.Command> actor, ProviderAdapter adapter, AttemptTimeouts timeouts) {
    this(actor, adapter, timeouts, Duration.ZERO, ProviderMetrics.OFF, false);
  }
}
