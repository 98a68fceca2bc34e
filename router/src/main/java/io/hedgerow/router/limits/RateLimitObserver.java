package io.hedgerow.router.limits;

import io.hedgerow.providers.upstream.UpstreamObserver;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** Passes the rate-limit signals of each of a provider's responses on, typically to its provider actor. */
public final class RateLimitObserver implements UpstreamObserver {
  private final Consumer<RateLimitSignals> sink;
  private final Clock clock;

  public RateLimitObserver(Consumer<RateLimitSignals> sink) {
    this(sink, Clock.systemUTC());
  }

  public RateLimitObserver(Consumer<RateLimitSignals> sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  public void onResponse(HttpResponse response) {
    RateLimitSignals signals = RateLimitHeaders.read(response, clock.instant());
    if (!signals.isEmpty()) sink.accept(signals);
  }
}
