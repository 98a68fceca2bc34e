package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.json.Json;
import java.io.UncheckedIOException;

/** A Messages API body ready to send, with the {@link AnswerShape} its answer must be read with. */
public record AnthropicRequest(ObjectNode body, AnswerShape shape) {
  public byte[] bytes() {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
