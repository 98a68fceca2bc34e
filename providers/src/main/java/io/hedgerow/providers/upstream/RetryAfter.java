package io.hedgerow.providers.upstream;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** Reads the {@code Retry-After} header (seconds, possibly fractional) or OpenAI's {@code retry-after-ms}. */
public final class RetryAfter {
  private RetryAfter() {}

  public static Optional<Duration> of(HttpResponse response) {
    Optional<Duration> ms = response.getHeader("retry-after-ms").flatMap(h -> parseMillis(h.value()));
    if (ms.isPresent()) return ms;
    return response.getHeader("retry-after").flatMap(h -> parseSeconds(h.value()));
  }

  /** Parses "34s" or "1.5s" as Google writes durations, or a bare number of seconds. */
  public static Optional<Duration> parseSeconds(String v) {
    String s = v.trim();
    if (s.endsWith("s")) s = s.substring(0, s.length() - 1);
    try {
      double seconds = Double.parseDouble(s);
      return seconds >= 0 ? Optional.of(Duration.ofMillis((long) (seconds * 1000))) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty(); // an HTTP-date; rare from LLM providers, and a guess would be worse than none
    }
  }

  private static Optional<Duration> parseMillis(String v) {
    try {
      return Optional.of(Duration.ofMillis((long) Double.parseDouble(v.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
