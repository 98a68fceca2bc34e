package io.hedgerow.router.routing;

import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.hedging.HedgingSettings;
import java.util.List;
import java.util.Optional;

/**
 * What a client's {@code model} names: an ordered list of candidates, how many of them one request may
 * try, how it hedges, and deadlines that override its providers' own when set.
 */
public record Route(
    String name, List<Candidate> candidates, int maxAttempts, HedgingSettings hedging, Optional<AttemptTimeouts> timeouts) {

  /** A route to one candidate, as a model alias or {@code provider/model} is: nothing to hedge to. */
  public static Route single(String name, Candidate candidate) {
    return new Route(name, List.of(candidate), 1, HedgingSettings.OFF, Optional.empty());
  }
}
