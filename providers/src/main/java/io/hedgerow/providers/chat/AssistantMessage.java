package io.hedgerow.providers.chat;

import java.util.List;
import java.util.Optional;

/** The assistant's whole answer in a non-streamed completion. */
public record AssistantMessage(Optional<String> content, Optional<String> reasoningContent, List<ToolCall> toolCalls) {}
