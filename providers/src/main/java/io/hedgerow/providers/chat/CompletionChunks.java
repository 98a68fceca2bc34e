package io.hedgerow.providers.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A whole completion seen as a stream: each choice becomes one chunk carrying its entire answer and
 * finish reason, then a usage chunk. Lets a plain upstream call travel the same path as a stream.
 */
public final class CompletionChunks {
  private CompletionChunks() {}

  public static List<ChatChunk> of(ChatCompletion c) {
    List<ChatChunk> out = new ArrayList<>(c.choices().size() + 1);
    for (CompletionChoice choice : c.choices()) {
      AssistantMessage m = choice.message();
      List<ToolCallDelta> calls = new ArrayList<>(m.toolCalls().size());
      for (int i = 0; i < m.toolCalls().size(); i++) {
        ToolCall t = m.toolCalls().get(i);
        calls.add(ToolCallDelta.start(i, t.id(), t.name(), t.arguments()));
      }
      Delta delta = new Delta(Optional.of("assistant"), m.content(), m.reasoningContent(), List.copyOf(calls));
      out.add(ChatChunk.of(c.id(), c.created(), c.model(),
          new ChunkChoice(choice.index(), delta, Optional.of(choice.finishReason()))));
    }
    c.usage().ifPresent(u -> out.add(ChatChunk.usage(c.id(), c.created(), c.model(), u)));
    return out;
  }
}
