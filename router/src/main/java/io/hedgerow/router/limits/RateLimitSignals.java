package io.hedgerow.router.limits;

import java.time.Duration;
import java.util.Optional;

/**
 * What a provider said about its own limits on one response: requests and tokens remaining in its
 * window and when that window resets, and, on a 429, how long to stay away.
 */
public record RateLimitSignals(Optional<Remaining> requests, Optional<Remaining> tokens, Optional<Duration> retryAfter) {

  /** {@code remaining} left until the provider's window resets, {@code resetIn} from when it answered. */
  public record Remaining(long remaining, Optional<Duration> resetIn) {}

  public boolean isEmpty() {
    return requests.isEmpty() && tokens.isEmpty() && retryAfter.isEmpty();
  }
}
