package io.hedgerow.router.stream;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.Usage;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The chunks a scripted upstream sends: openers, tokens, endings, as the adapters emit them. */
public final class Chunks {
  private Chunks() {}

  private static final String ID = "chatcmpl-test";
  private static final long CREATED = 1_700_000_000L;
  private static final String MODEL = "scripted-model";

  /** A token of text. */
  public static ChatChunk text(String text) {
    return ChatChunk.of(ID, CREATED, MODEL, ChunkChoice.of(Delta.content(text)));
  }

  /** The {@code role: assistant} opener most providers send before any token. */
  public static ChatChunk roleOpener() {
    return ChatChunk.of(ID, CREATED, MODEL, ChunkChoice.of(Delta.EMPTY.withRole("assistant")));
  }

  /** A chunk without choices, like Azure's prompt-filter results. */
  public static ChatChunk noChoices() {
    return new ChatChunk(ID, CREATED, MODEL, List.of(), Optional.empty());
  }

  public static ChatChunk finish() {
    return ChatChunk.of(ID, CREATED, MODEL, ChunkChoice.finish(FinishReason.STOP));
  }

  public static ChatChunk usage(int prompt, int completion) {
    return ChatChunk.usage(ID, CREATED, MODEL, Usage.of(prompt, completion));
  }

  /** A whole short answer: opener, two tokens, the finish. */
  public static List<ChatChunk> answer(String first, String second) {
    return List.of(roleOpener(), text(first), text(second), finish());
  }

  /** The text a client would read from these chunks. */
  public static String textOf(List<ChatChunk> chunks) {
    return chunks.stream()
        .flatMap(c -> c.choices().stream())
        .map(choice -> choice.delta().content().orElse(""))
        .collect(Collectors.joining());
  }
}
