package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import java.time.Duration;
import java.util.Optional;

/** How one upstream attempt ended, as its provider actor records it. */
public sealed interface Outcome {
  /** The stream completed; {@code firstToken} is empty when no token ever came (an empty answer). */
  record Succeeded(Duration latency, Optional<Duration> firstToken, Optional<Usage> usage) implements Outcome {}

  record Failed(ErrorClass errorClass, Duration latency) implements Outcome {}

  /** The attempt was abandoned before it ended: the client went away, or another attempt won. */
  record Cancelled(Duration latency) implements Outcome {}
}
