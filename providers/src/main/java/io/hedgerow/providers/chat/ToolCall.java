package io.hedgerow.providers.chat;

/** A complete function call made by the assistant; {@code arguments} is a JSON string, as OpenAI sends it. */
public record ToolCall(String id, String name, String arguments) {}
