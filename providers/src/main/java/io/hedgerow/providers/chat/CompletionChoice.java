package io.hedgerow.providers.chat;

/** One choice of a non-streamed completion. */
public record CompletionChoice(int index, AssistantMessage message, FinishReason finishReason) {}
