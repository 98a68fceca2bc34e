package io.hedgerow.router.limits;

import java.time.Duration;
import java.util.Optional;

/**
 * One provider's admission limits on this node: the requests-per-minute and tokens-per-minute buckets
 * and the cap on attempts in flight. Tokens are reserved at admission from an estimate and settled with
 * what the provider reports, so concurrent requests cannot overshoot. Not thread-safe; clock-free.
 */
public final class Capacity {

  /** What stops one more attempt from starting now. */
  public enum Shortage { NONE, REQUESTS, TOKENS, CONCURRENCY }

  private final Limits limits;
  private final TokenBucket requests;
  private final TokenBucket tokens;
  private int inFlight;

  public Capacity(Limits limits, long now) {
    this.limits = limits;
    this.requests = TokenBucket.perMinute(limits.requestsPerMinute(), now);
    this.tokens = TokenBucket.perMinute(limits.tokensPerMinute(), now);
  }

  private Capacity(Limits limits, TokenBucket requests, TokenBucket tokens, int inFlight) {
    this.limits = limits;
    this.requests = requests;
    this.tokens = tokens;
    this.inFlight = inFlight;
  }

  /** The same attempts in flight and bucket fill ratios under new limits (this node's share changed). */
  public Capacity rescaled(Limits newLimits, long now) {
    return new Capacity(newLimits, requests.rescaled(newLimits.requestsPerMinute(), now),
        tokens.rescaled(newLimits.tokensPerMinute(), now), inFlight);
  }

  public Shortage shortage(int estimatedTokens, long now) {
    if (!requests.covers(1, now)) return Shortage.REQUESTS;
    if (!tokens.covers(estimatedTokens, now)) return Shortage.TOKENS;
    if (inFlight >= limits.maxConcurrent()) return Shortage.CONCURRENCY;
    return Shortage.NONE;
  }

  /** Starts one attempt: one request, its estimated tokens reserved, one slot taken. Check {@link #shortage} first. */
  public void admit(int estimatedTokens, long now) {
    requests.take(1, now);
    tokens.take(estimatedTokens, now);
    inFlight++;
  }

  /** Ends one attempt's slot; its tokens are settled separately. */
  public void release() {
    inFlight = Math.max(0, inFlight - 1);
  }

  /** Replaces a reservation with what was used: the difference goes back, or is taken on top. */
  public void settle(int reserved, int used, long now) {
    if (used < reserved) tokens.give(reserved - used, now);
    else if (used > reserved) tokens.take(used - reserved, now);
  }

  /** When a bucket shortage should be over; empty for a concurrency shortage, which ends with a release. */
  public Optional<Duration> timeUntil(Shortage shortage, int estimatedTokens, long now) {
    return switch (shortage) {
      case REQUESTS -> Optional.of(requests.timeUntil(1, now));
      case TOKENS -> Optional.of(tokens.timeUntil(estimatedTokens, now));
      case CONCURRENCY, NONE -> Optional.empty();
    };
  }

  /** Lowers the buckets to what the provider says remains. */
  public void observe(RateLimitSignals signals, long now) {
    signals.requests().ifPresent(r -> requests.observe(r.remaining(), r.resetIn(), now));
    signals.tokens().ifPresent(t -> tokens.observe(t.remaining(), t.resetIn(), now));
  }

  public int inFlight() {
    return inFlight;
  }

  public Limits limits() {
    return limits;
  }

  public TokenBucket requests() {
    return requests;
  }

  public TokenBucket tokens() {
    return tokens;
  }
}
