package io.hedgerow.providers.openai;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.SseEvent;
import java.util.List;
import java.util.Optional;

/**
 * Reads an OpenAI-compatible SSE stream one event at a time into {@link ChatChunk}s, shaped as OpenAI
 * shapes them whatever the provider did. {@code [DONE]} ends the stream; an {@code {"error":…}} frame fails
 * it; extra fields are tolerated, and reasoning text is kept whether the provider calls it
 * {@code reasoning_content} (DeepSeek, Qwen, vLLM) or {@code reasoning} (OpenRouter, Ollama), see {@link MessageText}.
 *
 * <p>Normalisations: frames with neither choices nor usage (Azure's opening {@code prompt_filter_results})
 * are dropped; usage sent on a choice chunk (Mistral, and others without {@code stream_options}) is held
 * back and sent as OpenAI's own last chunk, {@code choices: []}, at {@code [DONE]} or the end of the
 * stream; a tool-call delta without an {@code index} is numbered by its {@code id}. One decoder per stream.
 */
public final class OpenAiChunkDecoder {
  private Optional<ChatChunk> heldUsage = Optional.empty();
  private final OpenAiChunkReader frames = new OpenAiChunkReader();

  /** The chunks one upstream event yields: usually one, none for {@code [DONE]} without held usage or for empty frames. */
  public List<ChatChunk> next(SseEvent event) {
    if (event.isDone()) return finish();
    if (event.data().isEmpty()) return List.of();
    ChatChunk chunk = frames.read(event.data());
    if (chunk.choices().isEmpty()) {
      if (chunk.usage().isEmpty()) return List.of();
      heldUsage = Optional.empty();
      return List.of(chunk);
    }
    if (chunk.usage().isPresent()) {
      heldUsage = Optional.of(ChatChunk.usage(chunk.id(), chunk.created(), chunk.model(), chunk.usage().get()));
      return List.of(new ChatChunk(chunk.id(), chunk.created(), chunk.model(), chunk.choices(), Optional.empty()));
    }
    return List.of(chunk);
  }

  /** What is still owed when the stream ends: the held usage chunk, if any. */
  public List<ChatChunk> finish() {
    frames.end();
    List<ChatChunk> out = heldUsage.map(List::of).orElse(List.of());
    heldUsage = Optional.empty();
    return out;
  }
}
