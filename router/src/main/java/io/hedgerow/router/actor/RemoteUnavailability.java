package io.hedgerow.router.actor;

import io.hedgerow.router.actor.ProviderActor.RejectReason;
import java.time.Duration;

/**
 * Another cluster node's word that the provider is unavailable until some moment, and why (its circuit
 * opened there, or the provider asked it for a cool-down). A later, longer word extends it; a shorter one
 * does not shorten it. Not thread-safe; clock-free: every call says what time it is, in nanoseconds.
 */
final class RemoteUnavailability {
  private long until;
  private RejectReason reason; // null until another node first reports the provider unavailable

  /** Takes the word that the provider is out for {@code duration} from {@code now}; false when it changes nothing. */
  boolean extend(Duration duration, RejectReason why, long now) {
    long end = now + duration.toNanos();
    if (reason != null && until - end >= 0) return false;
    until = end;
    reason = why;
    return true;
  }

  boolean active(long now) {
    return reason != null && until - now > 0;
  }

  /** Why the provider is out, as another node found; only meaningful while {@link #active}. */
  RejectReason reason() {
    return reason;
  }

  /** What is left of it; zero when no node's word holds now. */
  Duration remaining(long now) {
    return active(now) ? Duration.ofNanos(until - now) : Duration.ZERO;
  }
}
