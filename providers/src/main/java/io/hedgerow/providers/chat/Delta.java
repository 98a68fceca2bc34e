package io.hedgerow.providers.chat;

import java.util.List;
import java.util.Optional;

/** What one streamed chunk adds to a choice. */
public record Delta(
    Optional<String> role, Optional<String> content, Optional<String> reasoningContent, List<ToolCallDelta> toolCalls) {

  public static final Delta EMPTY = new Delta(Optional.empty(), Optional.empty(), Optional.empty(), List.of());

  public static Delta content(String text) {
    return new Delta(Optional.empty(), Optional.of(text), Optional.empty(), List.of());
  }

  public static Delta reasoning(String text) {
    return new Delta(Optional.empty(), Optional.empty(), Optional.of(text), List.of());
  }

  public static Delta toolCalls(List<ToolCallDelta> calls) {
    return new Delta(Optional.empty(), Optional.empty(), Optional.empty(), calls);
  }

  public Delta withRole(String r) {
    return new Delta(Optional.of(r), content, reasoningContent, toolCalls);
  }

  /** True when the delta carries output the client can see: text, reasoning, or a tool call. */
  public boolean carriesToken() {
    return content.filter(c -> !c.isEmpty()).isPresent()
        || reasoningContent.filter(c -> !c.isEmpty()).isPresent()
        || !toolCalls.isEmpty();
  }
}
