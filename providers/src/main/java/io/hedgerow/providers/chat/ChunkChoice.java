package io.hedgerow.providers.chat;

import java.util.Optional;

/** One choice's part of a streamed chunk. */
public record ChunkChoice(int index, Delta delta, Optional<FinishReason> finishReason) {
  public static ChunkChoice of(Delta delta) {
    return new ChunkChoice(0, delta, Optional.empty());
  }

  public static ChunkChoice finish(FinishReason reason) {
    return new ChunkChoice(0, Delta.EMPTY, Optional.of(reason));
  }
}
