package io.hedgerow.router.limits;

import io.hedgerow.providers.upstream.RetryAfter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Reads a provider's rate-limit headers: OpenAI's (and Groq's, Azure's…) {@code x-ratelimit-remaining-*}
 * with {@code x-ratelimit-reset-*} in Go durations ("1s", "6m0s", "20ms"), Anthropic's
 * {@code anthropic-ratelimit-*-remaining} with {@code -reset} as an RFC 3339 instant, and, on a 429,
 * {@code retry-after}.
 */
public final class RateLimitHeaders {
  private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");
  private static final Duration LONGEST_BELIEVABLE = Duration.ofDays(1);

  private RateLimitHeaders() {}

  /** The signals in {@code response}; {@code now} is when it arrived, for resets given as instants. */
  public static RateLimitSignals read(HttpResponse response, Instant now) {
    Optional<RateLimitSignals.Remaining> requests = remaining(response, "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", now)
        .or(() -> remaining(response, "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset", now));
    Optional<RateLimitSignals.Remaining> tokens = remaining(response, "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", now)
        .or(() -> remaining(response, "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset", now))
        .or(() -> remaining(response, "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset", now));
    Optional<Duration> retryAfter = response.status().intValue() == 429 ? RetryAfter.of(response) : Optional.empty();
    return new RateLimitSignals(requests, tokens, retryAfter);
  }

  private static Optional<RateLimitSignals.Remaining> remaining(HttpResponse response, String remainingHeader,
      String resetHeader, Instant now) {
    return header(response, remainingHeader).flatMap(RateLimitHeaders::count)
        .map(n -> new RateLimitSignals.Remaining(n, header(response, resetHeader).flatMap(v -> reset(v, now))));
  }

  private static Optional<String> header(HttpResponse response, String name) {
    return response.getHeader(name).map(h -> h.value().trim());
  }

  private static Optional<Long> count(String v) {
    try {
      long n = Long.parseLong(v);
      return n >= 0 ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A Go duration, a bare number of seconds, or an RFC 3339 instant; nothing for anything else or absurd. */
  static Optional<Duration> reset(String v, Instant now) {
    Optional<Duration> d = goDuration(v).or(() -> RetryAfter.parseSeconds(v)).or(() -> instant(v, now));
    return d.filter(x -> !x.isNegative() && x.compareTo(LONGEST_BELIEVABLE) <= 0);
  }

  static Optional<Duration> goDuration(String v) {
    Matcher m = GO_DURATION_PART.matcher(v);
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) return Optional.empty();
      end = m.end();
      double amount = Double.parseDouble(m.group(1));
      nanos += (long) (amount * switch (m.group(2)) {
        case "h" -> 3_600e9;
        case "m" -> 60e9;
        case "s" -> 1e9;
        case "ms" -> 1e6;
        case "us", "µs" -> 1e3;
        default -> 1;
      });
    }
    return end > 0 && end == v.length() ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty();
  }

  private static Optional<Duration> instant(String v, Instant now) {
    try {
      return Optional.of(Duration.between(now, OffsetDateTime.parse(v).toInstant()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
