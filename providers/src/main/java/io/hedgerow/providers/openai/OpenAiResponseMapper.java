package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.AssistantMessage;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.CompletionChoice;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an OpenAI-compatible {@code chat.completion} body into a {@link ChatCompletion}, token by token:
 * every plain answer of every OpenAI-compatible provider passes here, and a tree of it cost a quarter of
 * what a plain request allocates. It reads what a tree was read for: absent fields take their defaults,
 * values convert as {@link JsonNode}'s {@code asText} and {@code asInt} convert them, and of a field sent
 * twice the last counts.
 */
public final class OpenAiResponseMapper {
  private static final UpstreamError NOT_JSON =
      UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered with a body that is not JSON.");
  private static final UpstreamError NO_CHOICES =
      UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered without choices.");
  private static final AssistantMessage NO_MESSAGE = new AssistantMessage(Optional.empty(), Optional.empty(), List.of());

  private OpenAiResponseMapper() {}

  public static ChatCompletion fromUpstream(byte[] body) {
    String id = "";
    long created = 0;
    String model = "";
    List<CompletionChoice> choices = null; // until a choices array is read
    Optional<Usage> usage = Optional.empty();
    try (UpstreamJsonReader r = UpstreamJsonReader.body(body, NOT_JSON)) {
      if (!r.enterObject()) throw notAnObject(body);
      while (r.nextField()) {
        switch (r.field()) {
          case "id" -> id = r.text("");
          case "created" -> created = r.longValue(0);
          case "model" -> model = r.text("");
          case "choices" -> choices = r.enterArray() ? choices(r) : null;
          case "usage" -> usage = OpenAiUsage.read(r);
          default -> { }
        }
      }
    }
    if (choices == null) throw NO_CHOICES.exception();
    return new ChatCompletion(id, created, model, choices, usage);
  }

  /** The elements of the {@code choices} array the reader has entered. */
  private static List<CompletionChoice> choices(UpstreamJsonReader r) {
    if (!r.nextElement()) return List.of();
    CompletionChoice first = choice(r);
    if (!r.nextElement()) return List.of(first); // nearly every answer: one choice
    List<CompletionChoice> out = new ArrayList<>(2);
    out.add(first);
    do {
      out.add(choice(r));
    } while (r.nextElement());
    return List.copyOf(out);
  }

  /** A choice; anything but an object is a choice of defaults, as a tree's missing fields were. */
  private static CompletionChoice choice(UpstreamJsonReader r) {
    int index = 0;
    AssistantMessage message = NO_MESSAGE;
    FinishReason finish = FinishReason.STOP;
    if (r.enterObject()) {
      while (r.nextField()) {
        switch (r.field()) {
          case "index" -> index = r.intValue(0);
          case "message" -> message = message(r);
          case "finish_reason" -> finish = FinishReason.fromWire(r.text("stop"));
          default -> { }
        }
      }
    }
    return new CompletionChoice(index, message, finish);
  }

  /** Read as a stream's delta is ({@link OpenAiChunkReader}), whose text fields are the same. */
  private static AssistantMessage message(UpstreamJsonReader r) {
    if (!r.enterObject()) return NO_MESSAGE;
    MessageText.Fields text = new MessageText.Fields();
    List<ToolCall> toolCalls = List.of();
    while (r.nextField()) {
      String field = r.field();
      if (field.equals("tool_calls")) toolCalls = toolCalls(r);
      else text.read(field, r);
    }
    MessageText read = text.text();
    return new AssistantMessage(read.content(), read.reasoning(), toolCalls);
  }

  /** The calls of {@code tool_calls}; anything but an array is no calls. */
  private static List<ToolCall> toolCalls(UpstreamJsonReader r) {
    if (!r.enterArray()) return List.of();
    List<ToolCall> out = new ArrayList<>(2);
    while (r.nextElement()) out.add(toolCall(r));
    return List.copyOf(out);
  }

  /** A call; {@code arguments} is kept as the string sent, not read as JSON. */
  private static ToolCall toolCall(UpstreamJsonReader r) {
    String id = "";
    String name = "";
    String arguments = "";
    if (r.enterObject()) {
      while (r.nextField()) {
        switch (r.field()) {
          case "id" -> id = r.text("");
          case "function" -> {
            name = "";
            arguments = "";
            if (r.enterObject()) {
              while (r.nextField()) {
                switch (r.field()) {
                  case "name" -> name = r.text("");
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
    return new ToolCall(id, name, arguments);
  }

  /**
   * A body whose first value is no object: read again as a tree, which tells apart JSON without choices (an
   * array, a string, nothing at all) from bytes that are not JSON, just as reading it as a tree always did.
   */
  private static UpstreamException notAnObject(byte[] body) {
    try {
      Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return NOT_JSON.exception();
    }
    return NO_CHOICES.exception();
  }
}
