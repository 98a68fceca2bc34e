package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The answer text and reasoning text of an upstream message or delta whose {@code content} is a list of
 * parts. {@code content} is a string for OpenAI, which the readers take as it is; Mistral's reasoning models
 * send a list of parts instead ({@code {"type":"text","text"}} and
 * {@code {"type":"thinking","thinking":[{"type":"text","text"}]}}), which would otherwise be lost. The
 * readers hand that rare shape over as a tree.
 */
record MessageText(Optional<String> content, Optional<String> reasoning) {

  /** {@code content} sent as a list of parts, and the reasoning sent beside it, which the parts' thinking only stands in for. */
  static MessageText of(JsonNode parts, Optional<String> reasoning) {
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    boolean sawText = false;
    for (JsonNode part : parts) {
      switch (part.path("type").asText("")) {
        case "text" -> {
          text.append(part.path("text").asText(""));
          sawText = true;
        }
        case "thinking" -> {
          JsonNode t = part.path("thinking");
          if (t.isTextual()) thinking.append(t.asText());
          for (JsonNode inner : t) thinking.append(inner.path("text").asText(""));
        }
        default -> { } // images, audio: nothing Hedgerow's chunk model carries
      }
    }
    if (thinking.length() > 0 && reasoning.isEmpty()) reasoning = Optional.of(thinking.toString());
    return new MessageText(sawText ? Optional.of(text.toString()) : Optional.empty(), reasoning);
  }
}
