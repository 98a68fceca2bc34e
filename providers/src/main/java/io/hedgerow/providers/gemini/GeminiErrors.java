package io.hedgerow.providers.gemini;

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
 * Classifies Gemini's Google-API errors ({@code {"error":{code,message,status,details}}}), from an HTTP
 * answer or a data frame inside a stream. The gRPC-style {@code status} decides, the HTTP status is the
 * fallback; {@code details} supply the retry delay ({@code google.rpc.RetryInfo}) and the reason of a
 * bad key ({@code google.rpc.ErrorInfo}), which Gemini reports as a plain 400.
 */
public final class GeminiErrors {
  private GeminiErrors() {}

  public static UpstreamError classify(HttpResponse response, ByteString body) {
    return classify(response.status().intValue(), errorOf(parse(body)), RetryAfter.of(response));
  }

  /** The {@code error} object of a body; the JSON-array streaming endpoint wraps it in a one-element array. */
  static JsonNode errorOf(JsonNode body) {
    JsonNode root = body.isArray() && body.size() > 0 ? body.get(0) : body;
    return root.path("error");
  }

  public static UpstreamError classify(int httpStatus, JsonNode error, Optional<Duration> headerRetryAfter) {
    int status = httpStatus > 0 ? httpStatus : error.path("code").asInt(0);
    String grpc = error.path("status").asText("");
    String message = error.path("message").asText("");
    if (message.isEmpty()) message = "The upstream answered HTTP " + status + ".";
    String reason = "";
    Optional<Duration> retryAfter = Optional.empty();
    for (JsonNode d : error.path("details")) {
      String type = d.path("@type").asText("");
      if (type.endsWith("google.rpc.RetryInfo")) retryAfter = RetryAfter.parseSeconds(d.path("retryDelay").asText(""));
      else if (type.endsWith("google.rpc.ErrorInfo") && reason.isEmpty()) reason = d.path("reason").asText("");
    }
    ErrorClass c = switch (grpc) {
      case "RESOURCE_EXHAUSTED" -> ErrorClass.RATE_LIMITED;
      case "UNAVAILABLE" -> ErrorClass.OVERLOADED;
      case "DEADLINE_EXCEEDED" -> ErrorClass.TIMEOUT;
      case "INVALID_ARGUMENT" -> invalidArgument(reason, message);
      case "FAILED_PRECONDITION", "OUT_OF_RANGE" -> ErrorClass.BAD_REQUEST;
      case "PERMISSION_DENIED", "UNAUTHENTICATED" -> ErrorClass.AUTH;
      case "NOT_FOUND" -> ErrorClass.NOT_FOUND;
      case "INTERNAL", "UNKNOWN" -> ErrorClass.SERVER_ERROR;
      default -> byHttpStatus(status, reason, message);
    };
    if (c == ErrorClass.RATE_LIMITED && retryAfter.isEmpty()) retryAfter = headerRetryAfter;
    return new UpstreamError(c, status, message, retryAfter);
  }

  private static ErrorClass invalidArgument(String reason, String message) {
    if (reason.equals("API_KEY_INVALID")) return ErrorClass.AUTH;
    String m = message.toLowerCase(Locale.ROOT);
    // "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."
    if (m.contains("exceeds the maximum number of tokens") || m.contains("input token count") || m.contains("token limit")) {
      return ErrorClass.CONTEXT_LENGTH;
    }
    return ErrorClass.BAD_REQUEST;
  }

  /** For bodies without a gRPC status: a proxy's page, or an error frame that only has a code. */
  private static ErrorClass byHttpStatus(int status, String reason, String message) {
    return switch (status) {
      case 429 -> ErrorClass.RATE_LIMITED;
      case 503 -> ErrorClass.OVERLOADED;
      case 408, 504 -> ErrorClass.TIMEOUT;
      case 401, 403 -> ErrorClass.AUTH;
      case 404 -> ErrorClass.NOT_FOUND;
      case 413 -> ErrorClass.CONTEXT_LENGTH;
      case 400 -> invalidArgument(reason, message);
      default -> status >= 400 && status < 500 ? ErrorClass.BAD_REQUEST : ErrorClass.SERVER_ERROR;
    };
  }

  private static JsonNode parse(ByteString body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body.toArrayUnsafe());
      return n == null ? Json.MAPPER.missingNode() : n;
    } catch (Exception e) {
      return Json.MAPPER.missingNode(); // not JSON (an HTML proxy page, say): the status alone decides
    }
  }
}
