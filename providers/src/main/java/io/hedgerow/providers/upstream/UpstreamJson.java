package io.hedgerow.providers.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.json.Json;
import java.io.IOException;

/** Reads what a provider sent as one JSON object; anything else is the provider's fault, a {@code server_error}. */
public final class UpstreamJson {
  private UpstreamJson() {}

  /** {@code what} names the payload in the error, e.g. "a stream frame" or "a body". */
  public static JsonNode object(byte[] bytes, String what) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw notJson(what).exception();
    }
    if (root == null || !root.isObject()) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream sent " + what + " that is not a JSON object.").exception();
    }
    return root;
  }

  static UpstreamError notJson(String what) {
    return UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream sent " + what + " that is not JSON.");
  }
}
