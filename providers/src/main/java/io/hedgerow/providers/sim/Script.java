package io.hedgerow.providers.sim;

import java.time.Instant;
import java.util.List;

/** What the simulated model answers: text tokens or tool calls, with the finish and usage to report. */
sealed interface Script {

    /** Random part of the response id; each dialect adds its own prefix. */
    String id();

    /** When the answer was planned; every chunk of a stream reports this same instant. */
    Instant createdAt();

    Finish finish();

    Usage usage();

    /** Why generation stopped, in neutral terms that each dialect spells its own way. */
    enum Finish { STOP, LENGTH, TOOL_CALLS }

    /** A text answer, one token per element; concatenated they are the full text. */
    record Text(String id, Instant createdAt, List<String> tokens, Finish finish, Usage usage) implements Script {

        public String fullText() {
            return String.join("", tokens);
        }
    }

    /** One or more parallel tool calls and no text. */
    record ToolCalls(String id, Instant createdAt, List<ToolCall> calls, Usage usage) implements Script {

        @Override
        public Finish finish() {
            return Finish.TOOL_CALLS;
        }
    }
}
