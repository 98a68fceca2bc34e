package io.hedgerow.providers.upstream;

import java.time.Duration;
import java.util.Optional;

/** A classified upstream failure: the class, the status the provider answered (0 if none), a message safe to show. */
public record UpstreamError(ErrorClass errorClass, int status, String message, Optional<Duration> retryAfter) {
  public static UpstreamError of(ErrorClass c, int status, String message) {
    return new UpstreamError(c, status, message, Optional.empty());
  }

  public UpstreamException exception() {
    return new UpstreamException(this);
  }
}
