package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.RetryAfter;
import io.hedgerow.providers.upstream.UpstreamError;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/**
 * Classifies Anthropic errors, {@code {"type":"error","error":{"type","message"}}}, whether they come as
 * an HTTP answer or as an {@code error} event inside a stream that began with HTTP 200. Only Anthropic's
 * own message is passed on.
 */
public final class AnthropicErrors {
  private AnthropicErrors() {}

  public static UpstreamError classify(HttpResponse response, ByteString body) {
    return classify(response.status().intValue(), parse(body).path("error"), RetryAfter.of(response));
  }

  /** An {@code error} event: Anthropic sends the type it would have answered with as an HTTP status. */
  public static UpstreamError ofStreamEvent(JsonNode error) {
    int status = switch (error.path("type").asText("")) {
      case "invalid_request_error" -> 400;
      case "authentication_error" -> 401;
      case "billing_error" -> 402;
      case "permission_error" -> 403;
      case "not_found_error" -> 404;
      case "request_too_large" -> 413;
      case "rate_limit_error" -> 429;
      case "timeout_error" -> 504;
      case "overloaded_error" -> 529;
      default -> 500;
    };
    return classify(status, error, Optional.empty());
  }

  static UpstreamError classify(int status, JsonNode error, Optional<Duration> retryAfter) {
    String type = error.path("type").asText("");
    String message = error.path("message").asText("");
    if (message.isEmpty()) message = "Anthropic answered HTTP " + status + (type.isEmpty() ? "." : " (" + type + ").");
    String lower = message.toLowerCase(Locale.ROOT);
    ErrorClass c;
    if (status == 413 || type.equals("request_too_large")
        || lower.contains("prompt is too long") || lower.contains("exceed context limit")) {
      c = ErrorClass.CONTEXT_LENGTH;
    } else if (status == 429 || type.equals("rate_limit_error")) {
      c = ErrorClass.RATE_LIMITED;
    } else if (status == 529 || status == 503 || type.equals("overloaded_error")) {
      c = ErrorClass.OVERLOADED;
    } else if (status == 408 || status == 504 || type.equals("timeout_error")) {
      c = ErrorClass.TIMEOUT;
    } else if (status == 401 || status == 403 || status == 402
        || type.equals("authentication_error") || type.equals("permission_error") || type.equals("billing_error")) {
      // A billing stop is this account's problem, like a bad key: another provider may still serve.
      c = ErrorClass.AUTH;
    } else if (status == 404 || type.equals("not_found_error")) {
      c = ErrorClass.NOT_FOUND;
    } else if (status >= 400 && status < 500) {
      c = ErrorClass.BAD_REQUEST;
    } else {
      c = ErrorClass.SERVER_ERROR;
    }
    return new UpstreamError(c, status, message, retryAfter);
  }

  private static JsonNode parse(ByteString body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body.toArrayUnsafe());
      return n == null ? Json.MAPPER.missingNode() : n;
    } catch (Exception e) {
      return Json.MAPPER.missingNode(); // not JSON (a proxy's HTML page, say): the status alone decides
    }
  }
}
