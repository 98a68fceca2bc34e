package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import java.time.Duration;
import java.util.Optional;

/** How one upstream attempt ended, as its provider actor records it. */
public sealed interface Outcome {
  /**
   * The attempt completed; {@code firstToken} is empty when no token ever came (an empty answer) or the
   * call streams none (embeddings), so that it counts for latency but not for time to first token.
   */
  record Succeeded(Duration latency, Optional<Duration> firstToken, Optional<Usage> usage) implements Outcome {}

  /** The attempt failed; {@code retryAfter} is how long the provider asked to be left alone, if it said. */
  record Failed(ErrorClass errorClass, Duration latency, Optional<Duration> retryAfter) implements Outcome {
    public Failed(ErrorClass errorClass, Duration latency) {
      this(errorClass, latency, Optional.empty());
    }
  }

  /**
   * The attempt was abandoned before it ended: the client went away, or, when {@code hedgeLoser}, another
   * attempt of the same request won the race to the first token. Neither says anything about the
   * provider's health.
   */
  record Cancelled(Duration latency, boolean hedgeLoser) implements Outcome {
    public Cancelled(Duration latency) {
      this(latency, false);
    }
  }
}
