package io.hedgerow.router.health;

import java.time.Duration;
import java.util.Optional;

/**
 * A stretch of time a provider asked to be left alone (a 429's Retry-After), capped so a provider cannot
 * take itself out for longer than {@code max}. A later, longer request extends it; a shorter one does not
 * shorten it. Not thread-safe; clock-free: every call says what time it is, in nanoseconds.
 */
public final class CoolDown {
  private final Duration max;
  private boolean active;
  private long until;

  public CoolDown(Duration max) {
    this.max = max;
  }

  /** Cools down for {@code duration} (at most the cap); returns how long, if that extended the cool-down. */
  public Optional<Duration> start(Duration duration, long now) {
    Duration d = duration.compareTo(max) > 0 ? max : duration;
    if (d.isZero() || d.isNegative()) return Optional.empty();
    long end = now + d.toNanos();
    if (active(now) && end - until <= 0) return Optional.empty();
    active = true;
    until = end;
    return Optional.of(d);
  }

  public boolean active(long now) {
    if (active && now - until >= 0) active = false;
    return active;
  }

  /** What is left of it; zero when not cooling down. */
  public Duration remaining(long now) {
    return active(now) ? Duration.ofNanos(until - now) : Duration.ZERO;
  }
}
