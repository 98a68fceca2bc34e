package io.hedgerow.router.api;

import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.ErrorBodyWriter;
import io.hedgerow.providers.upstream.UpstreamError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;

/**
 * An error as the client sees it: OpenAI's body shape with a status that means something. Upstream
 * failures are mapped by class: 429 stays 429 with {@code Retry-After}, overload is 503, a timeout 504,
 * other upstream breakage 502, and the client's own mistakes 400.
 */
public record ClientError(int status, String message, String type, Optional<String> param, Optional<String> code,
    Optional<Duration> retryAfter) {

  public static ClientError invalidRequest(InvalidRequestException e) {
    return new ClientError(400, e.getMessage(), "invalid_request_error", e.param(), Optional.empty(), Optional.empty());
  }

  public static ClientError invalidRequest(String message, String param, String code) {
    return new ClientError(400, message, "invalid_request_error", Optional.ofNullable(param), Optional.ofNullable(code),
        Optional.empty());
  }

  public static ClientError unknownModel(String model) {
    return new ClientError(404, "The model '" + model + "' does not exist or you do not have access to it.",
        "invalid_request_error", Optional.of("model"), Optional.of("model_not_found"), Optional.empty());
  }

  public static ClientError tooLarge(long maxBytes) {
    return new ClientError(413, "The request body is larger than the limit of " + maxBytes + " bytes.",
        "invalid_request_error", Optional.empty(), Optional.of("request_too_large"), Optional.empty());
  }

  public static ClientError of(int status, String message, String type, String code) {
    return new ClientError(status, message, type, Optional.empty(), Optional.ofNullable(code), Optional.empty());
  }

  public static ClientError upstream(UpstreamError e) {
    String msg = e.message();
    return switch (e.errorClass()) {
      case RATE_LIMITED -> new ClientError(429, msg, "rate_limit_error", Optional.empty(),
          Optional.of("rate_limit_exceeded"), Optional.of(e.retryAfter().orElse(Duration.ofSeconds(1))));
      case OVERLOADED -> new ClientError(503, msg, "server_error", Optional.empty(), Optional.of("overloaded"), e.retryAfter());
      case TIMEOUT -> of(504, msg, "server_error", "upstream_timeout");
      case SERVER_ERROR, CONNECTION -> of(502, msg, "server_error", "upstream_error");
      case AUTH -> of(502, "The upstream provider refused Hedgerow's credentials.", "server_error", "upstream_auth_failed");
      case NOT_FOUND -> of(502, msg, "server_error", "upstream_model_not_found");
      case BAD_REQUEST -> of(400, msg, "invalid_request_error", null);
      case CONTEXT_LENGTH -> of(400, msg, "invalid_request_error", "context_length_exceeded");
      case CONTENT_FILTER -> of(400, msg, "invalid_request_error", "content_filter");
    };
  }

  public byte[] body() {
    return ErrorBodyWriter.write(message, type, param, code);
  }

  public HttpResponse response() {
    List<HttpHeader> headers = new ArrayList<>(1);
    retryAfter.ifPresent(d -> headers.add(RawHeader.create("Retry-After", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000)))));
    return HttpResponse.create().withStatus(StatusCodes.get(status)).addHeaders(headers)
        .withEntity(ContentTypes.APPLICATION_JSON, body());
  }

  /** The same error as a final SSE frame, for failures after the stream has started. */
  public ByteString sseFrame() {
    return ByteString.fromString("data: ").concat(ByteString.fromArrayUnsafe(body())).concat(ByteString.fromString("\n\n"));
  }
}
