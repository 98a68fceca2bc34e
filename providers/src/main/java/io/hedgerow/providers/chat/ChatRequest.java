package io.hedgerow.providers.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A client's chat completion request, parsed into the fields Hedgerow translates. {@code body} is the
 * request as the client sent it, so fields Hedgerow does not know pass through to OpenAI-compatible
 * upstreams untouched; treat it as read-only (attempts share it).
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    boolean stream,
    boolean includeUsage,
    OptionalInt maxTokens,
    OptionalDouble temperature,
    OptionalDouble topP,
    List<String> stop,
    OptionalInt n,
    Optional<ResponseFormat> responseFormat,
    List<ToolDefinition> tools,
    Optional<ToolChoice> toolChoice,
    Optional<Boolean> parallelToolCalls,
    boolean reasoning,
    ObjectNode body) {

  /** The tool choice in force: the client's, else auto when tools are offered, else none. */
  public ToolChoice effectiveToolChoice() {
    return toolChoice.orElse(tools.isEmpty() ? new ToolChoice.None() : new ToolChoice.Auto());
  }
}
