package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCallDelta;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.UpstreamException;
import io.hedgerow.providers.upstream.UpstreamJson;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.util.ByteString;

/**
 * Reads the frames of one OpenAI-compatible stream into {@link ChatChunk}s, token by token: every chunk of
 * every OpenAI-compatible stream passes here, so no tree is built. An {@code {"error":…}} or
 * {@code "object":"error"} frame is read again as a tree and thrown as {@link OpenAiErrors} classifies it.
 * One per stream, since tool calls are numbered across frames; not thread-safe.
 */
final class OpenAiChunkReader {
  private static final String WHAT = "a stream frame";

  private final UpstreamJsonReader json = new UpstreamJsonReader(WHAT);
  private final ToolCallNumbering numbering = new ToolCallNumbering();
  private String lastId = "";
  private String lastModel = "";

  ChatChunk read(ByteString data) {
    String id = "";
    long created = 0;
    String model = "";
    List<ChunkChoice> choices = List.of();
    Optional<Usage> usage = Optional.empty();
    boolean errorField = false;
    boolean errorObject = false;
    try (UpstreamJsonReader r = json.read(data)) {
      while (r.nextField()) {
        switch (r.field()) {
          case "id" -> id = r.repeatedText(lastId, "");
          case "created" -> created = r.longValue(0);
          case "model" -> model = r.repeatedText(lastModel, "");
          case "choices" -> choices = choices(r);
          case "usage" -> usage = OpenAiUsage.read(r);
          case "error" -> errorField = !r.isNull();
          case "object" -> errorObject = r.isString("error");
          default -> { }
        }
      }
    }
    if (errorField || errorObject) throw error(data);
    lastId = id;
    lastModel = model;
    return new ChatChunk(id, created, model, choices, usage);
  }

  /** The stream ended (a later frame would still be read). */
  void end() {
    json.end();
  }

  private List<ChunkChoice> choices(UpstreamJsonReader r) {
    if (!r.enterArray() || !r.nextElement()) return List.of();
    ChunkChoice first = choice(r);
    if (!r.nextElement()) return List.of(first); // nearly every frame: one choice
    List<ChunkChoice> out = new ArrayList<>(2);
    out.add(first);
    do {
      out.add(choice(r));
    } while (r.nextElement());
    return List.copyOf(out);
  }

  private ChunkChoice choice(UpstreamJsonReader r) {
    int index = 0;
    SentDelta delta = SentDelta.NONE;
    Optional<FinishReason> finish = Optional.empty();
    if (r.enterObject()) {
      while (r.nextField()) {
        switch (r.field()) {
          case "index" -> index = r.intValue(0);
          case "delta" -> delta = delta(r);
          case "finish_reason" -> finish = r.isNull() ? Optional.empty() : Optional.of(FinishReason.fromWire(r.text("")));
          default -> { }
        }
      }
    }
    return new ChunkChoice(index, delta.numbered(index, numbering), finish);
  }

  /** A delta as sent; its tool calls are numbered once the choice's index is known, which may come after it. */
  private record SentDelta(Optional<String> role, Optional<String> content, Optional<String> reasoning,
      List<SentToolCall> toolCalls) {
    static final SentDelta NONE = new SentDelta(Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    Delta numbered(int choice, ToolCallNumbering numbering) {
      if (toolCalls.isEmpty()) return new Delta(role, content, reasoning, List.of());
      List<ToolCallDelta> calls = new ArrayList<>(toolCalls.size());
      for (SentToolCall t : toolCalls) {
        calls.add(new ToolCallDelta(numbering.index(choice, t.index, t.id.isPresent()), t.id, t.name, t.arguments));
      }
      return new Delta(role, content, reasoning, List.copyOf(calls));
    }
  }

  private record SentToolCall(OptionalInt index, Optional<String> id, Optional<String> name, String arguments) {}

  private static SentDelta delta(UpstreamJsonReader r) {
    if (!r.enterObject()) return SentDelta.NONE;
    Optional<String> role = Optional.empty();
    MessageText.Fields text = new MessageText.Fields();
    List<SentToolCall> toolCalls = List.of();
    while (r.nextField()) {
      switch (r.field()) {
        case "role" -> role = r.string();
        case "tool_calls" -> toolCalls = toolCalls(r);
        default -> text.read(r.field(), r);
      }
    }
    MessageText read = text.text();
    return new SentDelta(role, read.content(), read.reasoning(), toolCalls);
  }

  private static List<SentToolCall> toolCalls(UpstreamJsonReader r) {
    if (!r.enterArray()) return List.of();
    List<SentToolCall> out = new ArrayList<>(1);
    while (r.nextElement()) out.add(toolCall(r));
    return out;
  }

  private static SentToolCall toolCall(UpstreamJsonReader r) {
    OptionalInt index = OptionalInt.empty();
    Optional<String> id = Optional.empty();
    Optional<String> name = Optional.empty();
    String arguments = "";
    if (r.enterObject()) {
      while (r.nextField()) {
        switch (r.field()) {
          case "index" -> index = r.isInt() ? OptionalInt.of(r.intValue(0)) : OptionalInt.empty();
          case "id" -> id = r.string();
          case "function" -> {
            name = Optional.empty();
            arguments = "";
            if (r.enterObject()) {
              while (r.nextField()) {
                switch (r.field()) {
                  case "name" -> name = r.string();
                  case "arguments" -> arguments = r.text("");
                  default -> { }
                }
              }
            }
          }
          default -> { }
        }
      }
    }
    return new SentToolCall(index, id, name, arguments);
  }

  private static UpstreamException error(ByteString data) {
    JsonNode root = UpstreamJson.object(data.toArrayUnsafe(), WHAT);
    JsonNode error = OpenAiErrors.errorObject(root);
    JsonNode code = error.path("code");
    int status = code.isInt() ? code.asInt() : root.path("status").asInt(500);
    return OpenAiErrors.classify(status, error, Optional.empty()).exception();
  }
}
