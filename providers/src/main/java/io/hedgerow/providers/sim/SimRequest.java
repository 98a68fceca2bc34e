package io.hedgerow.providers.sim;

import java.util.List;
import java.util.OptionalInt;

/**
 * A chat request reduced to what the simulator needs to plan an answer, whichever wire format it came in.
 *
 * @param texts every message text, system prompt included, for counting prompt tokens
 * @param lastUserText the text of the last user message that has text, where directives are read
 * @param answersToolResult the last message carries a tool result, so the answer is text
 */
record SimRequest(
        String model,
        boolean stream,
        boolean includeUsage,
        List<String> texts,
        String lastUserText,
        boolean answersToolResult,
        List<ToolSpec> tools,
        ToolChoice toolChoice,
        OptionalInt maxTokens) {

    /** Whitespace-separated words over all texts, at least 1, which is what "prompt tokens" means here. */
    public int promptTokens() {
        int words = 0;
        for (String text : texts) {
            String trimmed = text.strip();
            if (!trimmed.isEmpty()) {
                words += trimmed.split("\\s+").length;
            }
        }
        return Math.max(1, words);
    }

    public boolean wantsToolCalls() {
        return !answersToolResult && !tools.isEmpty() && !(toolChoice instanceof ToolChoice.None);
    }
}
