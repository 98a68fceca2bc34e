package io.hedgerow.providers.openai;

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
 * Classifies OpenAI-compatible errors: HTTP answers and {@code data: {"error":…}} frames inside a stream.
 * Reads OpenAI's {@code {"error":{message,type,code}}} and the flat {@code {"object":"error",message,type}}
 * that Mistral and vLLM send; a body that is not JSON leaves the status alone to decide.
 */
public final class OpenAiErrors {
  private static final int MAX_MESSAGE = 500;

  private OpenAiErrors() {}

  public static UpstreamError classify(HttpResponse response, ByteString body) {
    return classify(response.status().intValue(), errorObject(parse(body)), RetryAfter.of(response));
  }

  public static UpstreamError classify(int status, JsonNode error, Optional<Duration> retryAfter) {
    String type = error.path("type").asText("");
    String code = error.path("code").asText("");
    String message = message(error.path("message"));
    if (message.isEmpty()) message = "The upstream answered HTTP " + status + ".";
    ErrorClass c;
    if (code.equals("context_length_exceeded") || code.equals("string_above_max_length")
        || (status == 400 && message.toLowerCase(Locale.ROOT).contains("maximum context length"))) {
      c = ErrorClass.CONTEXT_LENGTH; // vLLM and older OpenAI models say so only in the message
    } else if (code.equals("content_filter") || code.equals("content_policy_violation")) {
      c = ErrorClass.CONTENT_FILTER;
    } else if (status == 429 || code.equals("rate_limit_exceeded") || type.equals("tokens") || type.equals("requests")) {
      c = ErrorClass.RATE_LIMITED;
    } else if (status == 503 || status == 529 || type.contains("overloaded") || code.contains("overloaded")) {
      c = ErrorClass.OVERLOADED;
    } else if (status == 408 || status == 504 || code.equals("timeout")) {
      c = ErrorClass.TIMEOUT;
    } else if (status == 401 || status == 402 || status == 403 || code.equals("invalid_api_key")) {
      c = ErrorClass.AUTH; // 402: the account cannot pay (OpenRouter credits); another provider may still serve
    } else if (status == 404) {
      c = ErrorClass.NOT_FOUND;
    } else if (status == 413) {
      c = ErrorClass.CONTEXT_LENGTH;
    } else if (status >= 400 && status < 500) {
      c = ErrorClass.BAD_REQUEST;
    } else {
      c = ErrorClass.SERVER_ERROR;
    }
    return new UpstreamError(c, status, message, retryAfter);
  }

  /**
   * The error object of a parsed body: OpenAI's {@code error} object, a bare {@code error} string as an
   * object with that message, or the body itself where the provider puts {@code message} at the top.
   */
  static JsonNode errorObject(JsonNode root) {
    JsonNode e = root.path("error");
    if (e.isObject()) return e;
    if (e.isTextual()) return Json.MAPPER.createObjectNode().put("message", e.asText());
    if (root.isObject() && root.has("message")) return root;
    return Json.MAPPER.missingNode();
  }

  /** The message as text; Mistral's validation errors carry an object here, shown as compact JSON. */
  private static String message(JsonNode m) {
    if (m.isTextual()) return m.asText();
    if (m.isMissingNode() || m.isNull()) return "";
    String json = m.toString();
    return json.length() <= MAX_MESSAGE ? json : json.substring(0, MAX_MESSAGE) + "…";
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
