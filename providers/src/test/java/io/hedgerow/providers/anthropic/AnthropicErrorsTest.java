package io.hedgerow.providers.anthropic;

import static io.hedgerow.providers.anthropic.AnthropicFixtures.bytes;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

  private static HttpResponse response(int status) {
    return HttpResponse.create()
        .withStatus(status == 529 ? StatusCodes.custom(529, "Overloaded", "Overloaded", false, true) : StatusCodes.get(status))
        .addHeader(RawHeader.create("request-id", "req_011CFakeRequestId"));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @CsvSource({
      "error-400-invalid-request.json, 400, BAD_REQUEST",
      "error-400-prompt-too-long.json, 400, CONTEXT_LENGTH",
      "error-401-authentication.json, 401, AUTH",
      "error-402-billing.json, 402, AUTH",
      "error-403-permission.json, 403, AUTH",
      "error-404-not-found.json, 404, NOT_FOUND",
      "error-413-request-too-large.json, 413, CONTEXT_LENGTH",
      "error-500-api.json, 500, SERVER_ERROR",
      "error-529-overloaded.json, 529, OVERLOADED"})
  void httpErrorIsClassifiedAndKeepsOnlyAnthropicsMessage(String fixture, int status, ErrorClass expected) {
    UpstreamError e = AnthropicErrors.classify(response(status), ByteString.fromArray(bytes(fixture)));
    String message = json(fixture).path("error").path("message").asText();
    assertEquals(new UpstreamError(expected, status, message, Optional.empty()), e);
    assertFalse(e.message().contains("req_"), "the request id is not part of the message");
  }

  @Test
  void rateLimitCarriesRetryAfter() {
    HttpResponse r = response(429).addHeader(RawHeader.create("retry-after", "17"));
    UpstreamError e = AnthropicErrors.classify(r, ByteString.fromArray(bytes("error-429-rate-limit.json")));
    assertEquals(ErrorClass.RATE_LIMITED, e.errorClass());
    assertEquals(429, e.status());
    assertEquals(Optional.of(Duration.ofSeconds(17)), e.retryAfter());
    assertEquals(json("error-429-rate-limit.json").path("error").path("message").asText(), e.message());
  }

  @Test
  void bodyThatIsNotJsonIsClassifiedByStatus() {
    HttpResponse r = response(503).withEntity(ContentTypes.TEXT_HTML_UTF8, "<html>upstream unavailable</html>");
    UpstreamError e = AnthropicErrors.classify(r, ByteString.fromString("<html>upstream unavailable</html>"));
    assertEquals(ErrorClass.OVERLOADED, e.errorClass());
    assertEquals("Anthropic answered HTTP 503.", e.message());
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
      "overloaded_error, OVERLOADED, 529", "api_error, SERVER_ERROR, 500", "rate_limit_error, RATE_LIMITED, 429",
      "invalid_request_error, BAD_REQUEST, 400", "authentication_error, AUTH, 401", "some_new_error, SERVER_ERROR, 500"})
  void streamErrorEventIsClassifiedByItsType(String type, ErrorClass expected, int status) {
    UpstreamError e = AnthropicErrors.ofStreamEvent(
        AnthropicFixtures.parse("{\"type\":\"" + type + "\",\"message\":\"Something happened\"}"));
    assertEquals(new UpstreamError(expected, status, "Something happened", Optional.empty()), e);
  }
}
