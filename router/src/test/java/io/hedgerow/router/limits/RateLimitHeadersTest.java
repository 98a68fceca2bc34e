package io.hedgerow.router.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void readsOpenAiRemainingAndGoDurationResets() {
    HttpResponse r = HttpResponse.create().addHeaders(java.util.List.of(
        RawHeader.create("x-ratelimit-remaining-requests", "59"),
        RawHeader.create("x-ratelimit-reset-requests", "1s"),
        RawHeader.create("x-ratelimit-remaining-tokens", "149984"),
        RawHeader.create("x-ratelimit-reset-tokens", "6m0s")));

    RateLimitSignals s = RateLimitHeaders.read(r, NOW);

    assertEquals(Optional.of(new RateLimitSignals.Remaining(59, Optional.of(Duration.ofSeconds(1)))), s.requests());
    assertEquals(Optional.of(new RateLimitSignals.Remaining(149984, Optional.of(Duration.ofMinutes(6)))), s.tokens());
    assertEquals(Optional.empty(), s.retryAfter(), "retry-after only counts on a 429");
  }

  @Test
  void parsesGoDurationsAsOpenAiAndGroqWriteThem() {
    assertEquals(Optional.of(Duration.ofMillis(20)), RateLimitHeaders.goDuration("20ms"));
    assertEquals(Optional.of(Duration.ofMillis(179_560)), RateLimitHeaders.goDuration("2m59.56s"));
    assertEquals(Optional.of(Duration.ofMillis(3_723_500)), RateLimitHeaders.goDuration("1h2m3.5s"));
    assertEquals(Optional.empty(), RateLimitHeaders.goDuration("soon"));
    assertEquals(Optional.empty(), RateLimitHeaders.goDuration("1s later"));
  }

  @Test
  void readsAnthropicRemainingWithRfc3339Resets() {
    HttpResponse r = HttpResponse.create().addHeaders(java.util.List.of(
        RawHeader.create("anthropic-ratelimit-requests-remaining", "3"),
        RawHeader.create("anthropic-ratelimit-requests-reset", "2026-01-01T00:00:30Z"),
        RawHeader.create("anthropic-ratelimit-input-tokens-remaining", "1000"),
        RawHeader.create("anthropic-ratelimit-input-tokens-reset", "2026-01-01T00:00:02.500Z")));

    RateLimitSignals s = RateLimitHeaders.read(r, NOW);

    assertEquals(Optional.of(new RateLimitSignals.Remaining(3, Optional.of(Duration.ofSeconds(30)))), s.requests());
    assertEquals(Optional.of(new RateLimitSignals.Remaining(1000, Optional.of(Duration.ofMillis(2500)))), s.tokens());
  }

  @Test
  void retryAfterOnA429IsASignal() {
    HttpResponse r = HttpResponse.create().withStatus(StatusCodes.TOO_MANY_REQUESTS)
        .addHeader(RawHeader.create("retry-after", "7"));

    assertEquals(Optional.of(Duration.ofSeconds(7)), RateLimitHeaders.read(r, NOW).retryAfter());
  }

  @Test
  void responseWithoutRateLimitHeadersSaysNothing() {
    assertTrue(RateLimitHeaders.read(HttpResponse.create(), NOW).isEmpty());
  }
}
