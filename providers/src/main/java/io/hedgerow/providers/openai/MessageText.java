package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.util.Optional;

/**
 * The answer text and reasoning text of an upstream message or delta whose {@code content} is a list of
 * parts. {@code content} is a string for OpenAI, which the readers take as it is; Mistral's reasoning models
 * send a list of parts instead ({@code {"type":"text","text"}} and
 * {@code {"type":"thinking","thinking":[{"type":"text","text"}]}}), which would otherwise be lost. The
 * readers hand that rare shape over as a tree.
 */
record MessageText(Optional<String> content, Optional<String> reasoning) {

  /**
   * The text fields of a message (a plain answer) or a delta (a stream frame) as a reader meets them:
   * {@code content} (a string, or the list of parts read as a tree), {@code reasoning_content} and
   * {@code reasoning}, the first of those two winning wherever it is sent.
   */
  static final class Fields {
    private Optional<String> content = Optional.empty();
    private JsonNode contentParts;
    private Optional<String> reasoningContent = Optional.empty();
    private Optional<String> reasoning = Optional.empty();

    /** Reads the value the reader stands on if {@code field} is a text field; returns whether it was. */
    boolean read(String field, UpstreamJsonReader r) {
      switch (field) {
        case "content" -> {
          contentParts = r.isArray() ? r.tree() : null;
          content = contentParts == null ? r.string() : Optional.empty();
        }
        case "reasoning_content" -> reasoningContent = r.string();
        case "reasoning" -> reasoning = r.string();
        default -> {
          return false;
        }
      }
      return true;
    }

    MessageText text() {
      Optional<String> anyReasoning = reasoningContent.isPresent() ? reasoningContent : reasoning;
      return contentParts == null ? new MessageText(content, anyReasoning) : of(contentParts, anyReasoning);
    }
  }

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
