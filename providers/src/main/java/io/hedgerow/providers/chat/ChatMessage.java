package io.hedgerow.providers.chat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** One message of a conversation in OpenAI's shape; content is always a list of parts (a string becomes one text part). */
public record ChatMessage(
    Role role,
    List<ContentPart> content,
    Optional<String> name,
    List<ToolCall> toolCalls,
    Optional<String> toolCallId) {

  public static ChatMessage text(Role role, String text) {
    return new ChatMessage(role, List.of(new ContentPart.Text(text)), Optional.empty(), List.of(), Optional.empty());
  }

  /** The text parts joined, images left out. */
  public String text() {
    return content.stream()
        .filter(p -> p instanceof ContentPart.Text)
        .map(p -> ((ContentPart.Text) p).text())
        .collect(Collectors.joining());
  }
}
