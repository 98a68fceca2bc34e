package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The answer text and reasoning text of an upstream message or delta. {@code content} is a string for
 * OpenAI; Mistral's reasoning models send a list of parts instead ({@code {"type":"text","text"}} and
 * {@code {"type":"thinking","thinking":[{"type":"text","text"}]}}), which would otherwise be lost.
 */
record MessageText(Optional<String> content, Optional<String> reasoning) {

  static MessageText of(JsonNode message) {
    return of(message.path("content"),
        string(message.get("reasoning_content")).or(() -> string(message.get("reasoning"))));
  }

  /** {@code content} as sent (a string, a list of parts, or anything else, which carries no text) and the reasoning sent beside it. */
  static MessageText of(JsonNode content, Optional<String> reasoning) {
    if (!content.isArray()) return new MessageText(string(content), reasoning);
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    boolean sawText = false;
    for (JsonNode part : content) {
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

  private static Optional<String> string(JsonNode v) {
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }
}
