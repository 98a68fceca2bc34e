package io.hedgerow.router.actor;

import io.hedgerow.router.hedging.FirstTokenDeadline;
import io.hedgerow.router.limits.TokenEstimate;
import java.time.Duration;
import java.util.Optional;

/**
 * What an attempt asks of a provider when it asks for a permit: the tokens to reserve (prompt plus the
 * most output it may produce), how insistent it is, and how long it will wait for capacity.
 * {@code model} (the upstream model, for per-model health and metrics) and {@code promptTokens} (what a
 * cancelled hedge wasted) are optional extras.
 *
 * @param maxWait when positive and the provider has no capacity now (buckets or concurrency), the
 *     request queues and is granted when capacity frees, or rejected with {@code QUEUE_TIMEOUT} after this
 */
public record Admission(
    int estimatedTokens, Mode mode, Duration maxWait, String model, int promptTokens, Optional<FirstTokenDeadline> deadline) {

  public static final String UNKNOWN_MODEL = "unknown";

  /** How an admission treats the provider's circuit and cool-down. */
  public enum Mode {
    /** Respects the circuit, any cool-down, the buckets and the concurrency limit. */
    NORMAL,
    /**
     * Ignores an open circuit or a cool-down (every candidate was unavailable: the one that recovers
     * soonest is tried anyway), but respects the buckets and the concurrency limit.
     */
    FORCE,
    /** Granted only when the circuit is closed, there is no cool-down, and capacity exists now; never waits. */
    HEDGE
  }

  public Admission {
    if (estimatedTokens < 0 || promptTokens < 0) throw new IllegalArgumentException("negative token estimate");
    if (maxWait.isNegative()) throw new IllegalArgumentException("negative maxWait");
  }

  public Admission(int estimatedTokens, Mode mode, Duration maxWait, String model, int promptTokens) {
    this(estimatedTokens, mode, maxWait, model, promptTokens, Optional.empty());
  }

  public Admission(int estimatedTokens, Mode mode, Duration maxWait) {
    this(estimatedTokens, mode, maxWait, UNKNOWN_MODEL, estimatedTokens);
  }

  public static Admission of(TokenEstimate estimate, String model, Mode mode, Duration maxWait) {
    return new Admission(estimate.total(), mode, maxWait, model, estimate.promptTokens());
  }

  /** Asks the provider to set the permit's first-token deadline by this policy and its own TTFT. */
  public Admission withDeadline(FirstTokenDeadline policy) {
    return new Admission(estimatedTokens, mode, maxWait, model, promptTokens, Optional.of(policy));
  }

  /** An admission that only asks for a slot now: no tokens, no waiting, model unknown. */
  public static Admission immediate() {
    return new Admission(0, Mode.NORMAL, Duration.ZERO);
  }
}
