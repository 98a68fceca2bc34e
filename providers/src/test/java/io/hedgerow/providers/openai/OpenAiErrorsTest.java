package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Each upstream error status with its recorded-style body, as routing will see it. */
class OpenAiErrorsTest {
  private static UpstreamError classify(int status, String fixture, RawHeader... headers) {
    HttpResponse response = HttpResponse.create().withStatus(status);
    for (RawHeader h : headers) response = response.addHeader(h);
    return OpenAiErrors.classify(response, ByteString.fromArray(bytes(fixture)));
  }

  @Test
  void rateLimit429KeepsItsMessageAndHonoursRetryAfter() {
    UpstreamError e = classify(429, "error-429-rate-limit.json", RawHeader.create("retry-after", "2"));
    assertEquals(ErrorClass.RATE_LIMITED, e.errorClass());
    assertEquals(429, e.status());
    assertEquals(Optional.of(Duration.ofSeconds(2)), e.retryAfter());
    assertTrue(e.message().startsWith("Rate limit reached for gpt-4o"), e.message());
  }

  @Test
  void rateLimit429PrefersTheMillisecondRetryHeader() {
    UpstreamError e = classify(429, "error-429-rate-limit.json",
        RawHeader.create("retry-after", "1"), RawHeader.create("retry-after-ms", "644"));
    assertEquals(Optional.of(Duration.ofMillis(644)), e.retryAfter());
  }

  @Test
  void contextLengthExceeded400IsNotABadRequestButContextLength() {
    UpstreamError e = classify(400, "error-400-context-length.json");
    assertEquals(ErrorClass.CONTEXT_LENGTH, e.errorClass());
    assertEquals(400, e.status());
    assertEquals(false, e.errorClass().retryable());
  }

  @Test
  void vllmContextErrorWithoutACodeIsRecognisedByItsMessage() {
    assertEquals(ErrorClass.CONTEXT_LENGTH, classify(400, "error-400-vllm-context.json").errorClass());
  }

  @Test
  void invalidKey401IsAuth() {
    UpstreamError e = classify(401, "error-401-invalid-key.json");
    assertEquals(ErrorClass.AUTH, e.errorClass());
    assertEquals(401, e.status());
  }

  @Test
  void unknownModel404IsNotFound() {
    assertEquals(ErrorClass.NOT_FOUND, classify(404, "error-404-model.json").errorClass());
  }

  @Test
  void serverError500IsServerErrorAndRetryable() {
    UpstreamError e = classify(500, "error-500.json");
    assertEquals(ErrorClass.SERVER_ERROR, e.errorClass());
    assertTrue(e.errorClass().retryable());
  }

  @Test
  void overloaded503IsOverloaded() {
    UpstreamError e = classify(503, "error-503-overloaded.json");
    assertEquals(ErrorClass.OVERLOADED, e.errorClass());
    assertEquals("The engine is currently overloaded, please try again later", e.message());
  }

  @Test
  void htmlBody502LeavesTheStatusToDecideWithAPlainMessage() {
    UpstreamError e = classify(502, "error-502.html");
    assertEquals(ErrorClass.SERVER_ERROR, e.errorClass());
    assertEquals(502, e.status());
    assertEquals("The upstream answered HTTP 502.", e.message());
  }

  @Test
  void mistral422ValidationErrorIsABadRequestThatNamesTheField() {
    UpstreamError e = classify(422, "error-422-mistral-extra-forbidden.json");
    assertEquals(ErrorClass.BAD_REQUEST, e.errorClass());
    assertTrue(e.message().contains("stream_options"), e.message());
  }

  @Test
  void emptyBodyIsClassifiedByStatusAlone() {
    UpstreamError e = OpenAiErrors.classify(HttpResponse.create().withStatus(504), ByteString.emptyByteString());
    assertEquals(ErrorClass.TIMEOUT, e.errorClass());
  }
}
