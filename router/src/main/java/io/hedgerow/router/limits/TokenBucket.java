package io.hedgerow.router.limits;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A bucket refilled continuously at {@code limit} per minute up to {@code limit}, or an unlimited one.
 * Takes may drive it below zero (a settlement that used more than was reserved); it then refills from
 * there. A provider's own signal ("N remaining, resets in T") can lower it and slow its refill until T.
 * Not thread-safe, and clock-free: every call says what time it is, in nanoseconds.
 */
public final class TokenBucket {
  private static final double NANOS_PER_MINUTE = 60e9;

  private final double capacity; // +Infinity when unlimited
  private final double perNano; // +Infinity when unlimited
  private double level;
  private long updatedAt;
  private boolean held;
  private long heldUntil;
  private double heldRate;

  private TokenBucket(double capacity, double perNano, long now) {
    this.capacity = capacity;
    this.perNano = perNano;
    this.level = capacity;
    this.updatedAt = now;
  }

  /** A full bucket of {@code limit}, refilled at {@code limit} per minute; unlimited when the limit is off. */
  public static TokenBucket perMinute(OptionalLong limit, long now) {
    return limit.isPresent() ? perMinute(limit.getAsLong(), now) : unlimited(now);
  }

  public static TokenBucket perMinute(long limit, long now) {
    if (limit < 1) throw new IllegalArgumentException("limit must be positive: " + limit);
    return new TokenBucket(limit, limit / NANOS_PER_MINUTE, now);
  }

  /** Never short by itself, though a provider's signal may hold it down until the provider's reset. */
  public static TokenBucket unlimited(long now) {
    return new TokenBucket(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, now);
  }

  /**
   * This bucket under a new limit (a node's share changed): a limited bucket keeps the same fill ratio, so
   * a node that spent its share cannot refill by growing it; a signal holding it down still holds.
   */
  public TokenBucket rescaled(OptionalLong limit, long now) {
    TokenBucket next = perMinute(limit, now);
    refill(now);
    if (!limited() || !next.limited()) return next;
    double ratio = next.capacity / capacity;
    next.level = level * ratio;
    next.held = held;
    next.heldUntil = heldUntil;
    next.heldRate = heldRate * ratio;
    return next;
  }

  public boolean limited() {
    return capacity != Double.POSITIVE_INFINITY;
  }

  public double capacity() {
    return capacity;
  }

  public double level(long now) {
    refill(now);
    return level;
  }

  /** Until when a provider's signal holds this bucket down, if it does now. */
  public Optional<Duration> heldFor(long now) {
    refill(now);
    return held ? Optional.of(Duration.ofNanos(heldUntil - now)) : Optional.empty();
  }

  /**
   * True when {@code n} may be taken now. A request larger than the whole bucket needs a full bucket
   * (then drives it negative), so it is slow to admit but never refused forever.
   */
  public boolean covers(double n, long now) {
    refill(now);
    return level >= Math.min(n, capacity);
  }

  /** Takes {@code n} whatever the level: callers check {@link #covers} first, settlements do not. */
  public void take(double n, long now) {
    refill(now);
    level -= n;
  }

  /** Gives back what a reservation did not use, never above the capacity. */
  public void give(double n, long now) {
    refill(now);
    level = Math.min(capacity, level + n);
  }

  /** How long until {@link #covers}{@code (n)} holds, if nothing else is taken meanwhile. */
  public Duration timeUntil(double n, long now) {
    refill(now);
    double deficit = Math.min(n, capacity) - level;
    if (deficit <= 0) return Duration.ZERO;
    long wait = 0;
    if (held) {
      long span = heldUntil - now;
      double gain = heldRate * span;
      if (gain >= deficit) return Duration.ofNanos((long) Math.ceil(deficit / heldRate));
      deficit -= gain;
      wait = span;
    }
    if (perNano == Double.POSITIVE_INFINITY) return Duration.ofNanos(wait);
    return Duration.ofNanos(wait + (long) Math.ceil(deficit / perNano));
  }

  /**
   * The provider says {@code remaining} is left and its window resets in {@code resetIn}. When that is
   * less than this bucket holds, the bucket drops to it and, until the reset, refills no faster than the
   * provider would (not at all when this bucket has no limit of its own).
   */
  public void observe(long remaining, Optional<Duration> resetIn, long now) {
    refill(now);
    if (remaining >= level) return;
    if (!limited() && resetIn.isEmpty()) return; // nothing to hold it down until; it would refill at once
    level = Math.max(remaining, 0);
    if (resetIn.isPresent() && resetIn.get().toNanos() > 0) {
      long reset = resetIn.get().toNanos();
      held = true;
      heldUntil = now + reset;
      heldRate = limited() ? Math.min(perNano, (capacity - level) / reset) : 0;
    }
  }

  private void refill(long now) {
    if (now <= updatedAt) return;
    long from = updatedAt;
    double gain = 0;
    if (held) {
      long end = Math.min(now, heldUntil);
      if (end > from) {
        gain += heldRate * (end - from);
        from = end;
      }
      if (now >= heldUntil) held = false;
    }
    if (now > from) gain += perNano * (now - from);
    else if (!held && perNano == Double.POSITIVE_INFINITY) gain = perNano; // an unlimited bucket is full once released
    level = Math.min(capacity, level + gain);
    updatedAt = now;
  }
}
