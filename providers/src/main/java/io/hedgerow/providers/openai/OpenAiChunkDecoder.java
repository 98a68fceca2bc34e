package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCallDelta;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  /** Per choice: {last tool index seen, next free tool index}, for providers that omit {@code index}. */
  private final Map<Integer, int[]> toolIndexes = new HashMap<>(2);

  /** The chunks one upstream event yields: usually one, none for {@code [DONE]} without held usage or for empty frames. */
  public List<ChatChunk> next(SseEvent event) {
    if (event.isDone()) return finish();
    if (event.data().isEmpty()) return List.of();
    JsonNode root = UpstreamJson.object(event.data().toArrayUnsafe(), "a stream frame");
    JsonNode errorField = root.get("error");
    if ((errorField != null && !errorField.isNull()) || root.path("object").asText("").equals("error")) {
      JsonNode error = OpenAiErrors.errorObject(root);
      JsonNode code = error.path("code");
      int status = code.isInt() ? code.asInt() : root.path("status").asInt(500);
      throw OpenAiErrors.classify(status, error, Optional.empty()).exception();
    }
    ChatChunk chunk = chunk(root);
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
    List<ChatChunk> out = heldUsage.map(List::of).orElse(List.of());
    heldUsage = Optional.empty();
    return out;
  }

  private ChatChunk chunk(JsonNode root) {
    JsonNode choicesNode = root.path("choices");
    List<ChunkChoice> choices = new ArrayList<>(choicesNode.size());
    for (JsonNode c : choicesNode) {
      int index = c.path("index").asInt(0);
      JsonNode d = c.path("delta");
      MessageText text = MessageText.of(d);
      JsonNode finish = c.get("finish_reason");
      choices.add(new ChunkChoice(index,
          new Delta(text(d, "role"), text.content(), text.reasoning(), toolCalls(index, d.path("tool_calls"))),
          finish == null || finish.isNull() ? Optional.empty() : Optional.of(FinishReason.fromWire(finish.asText()))));
    }
    return new ChatChunk(root.path("id").asText(""), root.path("created").asLong(0), root.path("model").asText(""),
        List.copyOf(choices), usage(root.get("usage")));
  }

  /** OpenAI's usage object; DeepSeek's {@code prompt_cache_hit_tokens} stands in for absent cache details. */
  static Optional<Usage> usage(JsonNode u) {
    if (u == null || !u.isObject()) return Optional.empty();
    JsonNode cached = u.path("prompt_tokens_details").path("cached_tokens");
    if (!cached.isNumber()) cached = u.path("prompt_cache_hit_tokens");
    return Optional.of(new Usage(u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0),
        cached.asInt(0), u.path("completion_tokens_details").path("reasoning_tokens").asInt(0)));
  }

  private List<ToolCallDelta> toolCalls(int choice, JsonNode calls) {
    if (!calls.isArray() || calls.isEmpty()) return List.of();
    List<ToolCallDelta> out = new ArrayList<>(calls.size());
    for (JsonNode t : calls) {
      JsonNode fn = t.path("function");
      Optional<String> id = text(t, "id");
      out.add(new ToolCallDelta(toolIndex(choice, t.get("index"), id.isPresent()), id, text(fn, "name"),
          fn.path("arguments").asText("")));
    }
    return List.copyOf(out);
  }

  private int toolIndex(int choice, JsonNode indexNode, boolean startsCall) {
    int[] s = toolIndexes.computeIfAbsent(choice, c -> new int[] {0, 0});
    if (indexNode != null && indexNode.isInt()) {
      s[0] = indexNode.asInt();
      s[1] = Math.max(s[1], s[0] + 1);
    } else if (startsCall) {
      s[0] = s[1]++;
    }
    return s[0];
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? Optional.empty() : Optional.of(v.asText());
  }
}
