package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class GeminiErrorsTest {

  private static UpstreamError classify(int status, String fixture) {
    return GeminiErrors.classify(HttpResponse.create().withStatus(status), ByteString.fromArray(bytes(fixture)));
  }

  @Test
  void resourceExhaustedIsRateLimitedWithTheRetryInfoDelay() {
    UpstreamError e = classify(429, "error-429-retry-info.json");
    assertEquals(ErrorClass.RATE_LIMITED, e.errorClass());
    assertEquals(429, e.status());
    assertEquals("You exceeded your current quota, please check your plan.", e.message());
    assertEquals(Optional.of(Duration.ofMillis(34_400)), e.retryAfter());
  }

  @Test
  void resourceExhaustedWithoutRetryInfoFallsBackToTheRetryAfterHeader() {
    HttpResponse response = HttpResponse.create().withStatus(StatusCodes.TOO_MANY_REQUESTS)
        .addHeader(RawHeader.create("retry-after", "7"));
    UpstreamError e = GeminiErrors.classify(response, ByteString.fromArray(bytes("error-429-no-retry-info.json")));
    assertEquals(ErrorClass.RATE_LIMITED, e.errorClass());
    assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
  }

  @Test
  void invalidApiKeyIsAuthAlthoughGeminiAnswers400() {
    UpstreamError e = classify(400, "error-400-api-key-invalid.json");
    assertEquals(ErrorClass.AUTH, e.errorClass());
    assertEquals(400, e.status());
    assertEquals("API key not valid. Please pass a valid API key.", e.message());
  }

  @Test
  void invalidArgumentIsBadRequest() {
    UpstreamError e = classify(400, "error-400-invalid-argument.json");
    assertEquals(ErrorClass.BAD_REQUEST, e.errorClass());
    assertEquals(Optional.empty(), e.retryAfter());
  }

  @Test
  void tooManyInputTokensIsContextLength() {
    assertEquals(ErrorClass.CONTEXT_LENGTH, classify(400, "error-400-context-length.json").errorClass());
  }

  @Test
  void failedPreconditionIsBadRequest() {
    assertEquals(ErrorClass.BAD_REQUEST, classify(400, "error-400-failed-precondition.json").errorClass());
  }

  @Test
  void permissionDeniedIsAuth() {
    assertEquals(ErrorClass.AUTH, classify(403, "error-403-permission-denied.json").errorClass());
  }

  @Test
  void notFoundIsNotFound() {
    assertEquals(ErrorClass.NOT_FOUND, classify(404, "error-404-not-found.json").errorClass());
  }

  @Test
  void internalIsServerError() {
    assertEquals(ErrorClass.SERVER_ERROR, classify(500, "error-500-internal.json").errorClass());
  }

  @Test
  void unavailableIsOverloaded() {
    UpstreamError e = classify(503, "error-503-unavailable.json");
    assertEquals(ErrorClass.OVERLOADED, e.errorClass());
    assertEquals("The model is overloaded. Please try again later.", e.message());
  }

  @Test
  void deadlineExceededIsTimeout() {
    assertEquals(ErrorClass.TIMEOUT, classify(504, "error-504-deadline-exceeded.json").errorClass());
  }

  @Test
  void errorWrappedInAnArrayIsReadToo() {
    byte[] body = ("[" + new String(bytes("error-503-unavailable.json"), StandardCharsets.UTF_8) + "]")
        .getBytes(StandardCharsets.UTF_8);
    UpstreamError e = GeminiErrors.classify(HttpResponse.create().withStatus(503), ByteString.fromArray(body));
    assertEquals(ErrorClass.OVERLOADED, e.errorClass());
  }

  @Test
  void bodyThatIsNotJsonIsClassifiedByStatus() {
    UpstreamError e = GeminiErrors.classify(HttpResponse.create().withStatus(502), ByteString.fromString("<html>Bad Gateway</html>"));
    assertEquals(ErrorClass.SERVER_ERROR, e.errorClass());
    assertEquals(502, e.status());
    assertEquals("The upstream answered HTTP 502.", e.message());
  }
}
