package io.hedgerow.providers.anthropic;

import java.util.Optional;

/**
 * What the request mapper decided that the answer's readers must know: whether thinking is shown as
 * {@code reasoning_content}, and the name of the forced JSON tool whose input is the answer's content.
 */
public record AnswerShape(boolean showThinking, Optional<String> jsonTool) {
  public static final AnswerShape PLAIN = new AnswerShape(false, Optional.empty());

  /** True when a {@code tool_use} block of this name is the JSON answer rather than a tool call. */
  boolean isJsonAnswer(String toolName) {
    return jsonTool.isPresent() && jsonTool.get().equals(toolName);
  }
}
