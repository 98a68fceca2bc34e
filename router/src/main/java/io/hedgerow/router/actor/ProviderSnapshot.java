package io.hedgerow.router.actor;

import io.hedgerow.router.health.Percentiles;
import io.hedgerow.router.health.ProviderHealth;
import io.hedgerow.router.limits.TokenBucket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a provider actor knows at one instant, for {@code GET /admin/providers}, routing and tests.
 * Durations are in milliseconds; latency, time to first token and error rates cover the health window.
 *
 * @param circuit {@code closed}, {@code half_open} or {@code open}
 * @param circuitOpenForMs until an open circuit turns half-open (0 unless open)
 * @param coolingDownForMs until a cool-down a provider asked for (a 429's Retry-After) ends (0 if none)
 * @param remoteUnavailable why another cluster node reported the provider unavailable ({@code circuit_open}
 *     or {@code cooling_down}), so that this node turns ordinary traffic away too; {@code none} when no
 *     such report holds now
 * @param remoteUnavailableForMs until that report ends (0 if none)
 * @param buckets {@code requests} and {@code tokens} buckets that have a limit or are held down by a
 *     provider's own signal
 * @param failuresByClass failed attempts by error class since start
 * @param errorRates failed attempts by error class as a share of the window's completed attempts
 */
public record ProviderSnapshot(
    String provider, String circuit, long circuitOpenForMs, long coolingDownForMs,
    String remoteUnavailable, long remoteUnavailableForMs,
    int inFlight, int maxConcurrent, int queued, Map<String, Bucket> buckets,
    long granted, long rejected, Map<String, Long> rejectedByReason,
    long succeeded, long cancelled, long hedgesLost, Map<String, Long> failuresByClass,
    Percentiles latency, Percentiles ttft, Map<String, Double> errorRates,
    Map<String, ProviderHealth.ModelHealth> models) {

  /**
   * One bucket: its per-minute limit (0 when this gateway sets none), what is available now (negative
   * after usage beyond the reservation), and how long a provider's signal still holds it down.
   */
  public record Bucket(long perMinute, long available, long heldForMs) {
    /** The bucket as it stands, or nothing when it neither has a limit nor is held down. */
    static Optional<Bucket> of(TokenBucket b, long now) {
      Optional<Duration> held = b.heldFor(now);
      if (!b.limited() && held.isEmpty()) return Optional.empty();
      return Optional.of(new Bucket(b.limited() ? (long) b.capacity() : 0, (long) Math.floor(b.level(now)),
          held.map(Duration::toMillis).orElse(0L)));
    }
  }
}
