package io.hedgerow.providers.chat;

/** Token counts of one request; {@code cachedPromptTokens} and {@code reasoningTokens} are parts of the first two. */
public record Usage(int promptTokens, int completionTokens, int cachedPromptTokens, int reasoningTokens) {
  public static Usage of(int promptTokens, int completionTokens) {
    return new Usage(promptTokens, completionTokens, 0, 0);
  }

  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
