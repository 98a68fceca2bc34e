package io.hedgerow.providers.chat;

import java.util.List;
import java.util.Optional;

/** One {@code chat.completion.chunk} of a stream, the unit every adapter emits and the client receives. */
public record ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Optional<Usage> usage) {

  public static ChatChunk of(String id, long created, String model, ChunkChoice choice) {
    return new ChatChunk(id, created, model, List.of(choice), Optional.empty());
  }

  public static ChatChunk usage(String id, long created, String model, Usage usage) {
    return new ChatChunk(id, created, model, List.of(), Optional.of(usage));
  }

  /**
   * True once the chunk decides the race between attempts: it carries a token, or ends a choice. A
   * role-only opening chunk or a usage chunk does not.
   */
  public boolean isDecisive() {
    for (ChunkChoice c : choices) {
      if (c.delta().carriesToken() || c.finishReason().isPresent()) return true;
    }
    return false;
  }

  public ChatChunk withModel(String m) {
    return new ChatChunk(id, created, m, choices, usage);
  }
}
