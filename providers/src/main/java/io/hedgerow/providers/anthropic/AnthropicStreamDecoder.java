package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCallDelta;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one Anthropic stream, one SSE event at a time, into OpenAI chunks: a role chunk at
 * {@code message_start}, text and (when asked for) thinking as they come, each {@code tool_use} block as a
 * tool call numbered among tool calls only with its argument fragments passed on as they arrive, one
 * finish reason at {@code message_delta}, and the usage chunk at {@code message_stop}. One instance per
 * stream; not thread-safe.
 */
public final class AnthropicStreamDecoder {
  private enum Kind { TEXT, THINKING, TOOL_CALL, JSON_ANSWER, IGNORED }

  /** An open content block; {@code sentArguments} tells whether any argument text reached the client yet. */
  private static final class Block {
    final Kind kind;
    final int toolIndex;
    final String prefilledInput;
    boolean sentArguments;

    Block(Kind kind, int toolIndex, String prefilledInput) {
      this.kind = kind;
      this.toolIndex = toolIndex;
      this.prefilledInput = prefilledInput;
    }
  }

  private static final Block IGNORED = new Block(Kind.IGNORED, -1, "");

  private final AnswerShape shape;
  private final long created;
  private final Map<Integer, Block> blocks = new HashMap<>();
  private String id = AnthropicResponseMapper.ID_PREFIX;
  private String model = "";
  private boolean roleSent;
  private boolean finishSent;
  private boolean stopped;
  private int toolCalls;
  private int inputTokens;
  private int cacheCreationTokens;
  private int cacheReadTokens;
  private int outputTokens;

  public AnthropicStreamDecoder(AnswerShape shape, long createdEpochSeconds) {
    this.shape = shape;
    this.created = createdEpochSeconds;
  }

  public List<ChatChunk> decode(SseEvent event) {
    if (stopped || event.data().isEmpty()) return List.of();
    JsonNode root = UpstreamJson.object(event.data().toArrayUnsafe(), "a stream event");
    return switch (root.path("type").asText(event.event())) {
      case "message_start" -> onMessageStart(root.path("message"));
      case "content_block_start" -> onBlockStart(root.path("index").asInt(), root.path("content_block"));
      case "content_block_delta" -> onBlockDelta(root.path("index").asInt(), root.path("delta"));
      case "content_block_stop" -> onBlockStop(root.path("index").asInt());
      case "message_delta" -> onMessageDelta(root);
      case "message_stop" -> onMessageStop();
      case "error" -> throw AnthropicErrors.ofStreamEvent(root.path("error")).exception();
      default -> List.of(); // ping, and event types Anthropic may add later
    };
  }

  /** Called when the upstream stream completes: a stream that stops before {@code message_stop} was cut. */
  public List<ChatChunk> end() {
    if (!stopped) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The Anthropic stream ended early, before message_stop.").exception();
    }
    return List.of();
  }

  private List<ChatChunk> onMessageStart(JsonNode message) {
    id = AnthropicResponseMapper.ID_PREFIX + message.path("id").asText("");
    model = message.path("model").asText("");
    readUsage(message.path("usage"));
    return emit(new Delta(Optional.of("assistant"), Optional.of(""), Optional.empty(), List.of()));
  }

  private List<ChatChunk> onBlockStart(int index, JsonNode block) {
    switch (block.path("type").asText("")) {
      case "text" -> {
        // A forced JSON answer is the tool's input alone; text around it would break the JSON.
        if (shape.jsonTool().isPresent()) break;
        blocks.put(index, new Block(Kind.TEXT, -1, ""));
        return text(block.path("text").asText(""));
      }
      case "thinking" -> {
        if (!shape.showThinking()) break;
        blocks.put(index, new Block(Kind.THINKING, -1, ""));
        String thinking = block.path("thinking").asText("");
        return thinking.isEmpty() ? List.of() : emit(Delta.reasoning(thinking));
      }
      case "tool_use" -> {
        String name = block.path("name").asText("");
        JsonNode input = block.path("input");
        String prefilled = input.isObject() && !input.isEmpty() ? input.toString() : "{}";
        if (shape.isJsonAnswer(name)) {
          blocks.put(index, new Block(Kind.JSON_ANSWER, -1, prefilled));
          return List.of();
        }
        int toolIndex = toolCalls++;
        blocks.put(index, new Block(Kind.TOOL_CALL, toolIndex, prefilled));
        return emit(Delta.toolCalls(List.of(ToolCallDelta.start(toolIndex, block.path("id").asText(""), name, ""))));
      }
      default -> { }
    }
    blocks.put(index, IGNORED); // redacted thinking, server tools: nothing an OpenAI client can read
    return List.of();
  }

  private List<ChatChunk> onBlockDelta(int index, JsonNode delta) {
    Block block = blocks.getOrDefault(index, IGNORED);
    return switch (delta.path("type").asText("")) {
      case "text_delta" -> block.kind == Kind.TEXT ? text(delta.path("text").asText("")) : List.of();
      case "thinking_delta" -> {
        String thinking = delta.path("thinking").asText("");
        yield block.kind == Kind.THINKING && !thinking.isEmpty() ? emit(Delta.reasoning(thinking)) : List.of();
      }
      case "input_json_delta" -> arguments(block, delta.path("partial_json").asText(""));
      default -> List.of(); // signature_delta, citations_delta: no OpenAI counterpart
    };
  }

  private List<ChatChunk> onBlockStop(int index) {
    Block block = blocks.remove(index);
    // A call without arguments streams only "", which is not JSON; the client must still get an object.
    if (block != null && !block.sentArguments) return arguments(block, block.prefilledInput);
    return List.of();
  }

  private List<ChatChunk> arguments(Block block, String fragment) {
    if (fragment.isEmpty()) return List.of();
    if (block.kind == Kind.TOOL_CALL) {
      block.sentArguments = true;
      return emit(Delta.toolCalls(List.of(ToolCallDelta.fragment(block.toolIndex, fragment))));
    }
    if (block.kind == Kind.JSON_ANSWER) {
      block.sentArguments = true;
      return emit(Delta.content(fragment));
    }
    return List.of();
  }

  private List<ChatChunk> onMessageDelta(JsonNode root) {
    readUsage(root.path("usage"));
    JsonNode stopReason = root.path("delta").path("stop_reason");
    if (finishSent || !stopReason.isTextual()) return List.of();
    return finish(AnthropicResponseMapper.finishReason(stopReason.asText(), toolCalls > 0));
  }

  private List<ChatChunk> onMessageStop() {
    stopped = true;
    ChatChunk usage = ChatChunk.usage(id, created, model,
        AnthropicResponseMapper.usage(inputTokens, cacheCreationTokens, cacheReadTokens, outputTokens));
    if (finishSent) return List.of(usage);
    List<ChatChunk> finish = finish(toolCalls > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP);
    return List.of(finish.get(0), usage);
  }

  private List<ChatChunk> finish(FinishReason reason) {
    finishSent = true;
    Delta delta = roleSent ? Delta.EMPTY : Delta.EMPTY.withRole("assistant");
    roleSent = true;
    return List.of(ChatChunk.of(id, created, model, new ChunkChoice(0, delta, Optional.of(reason))));
  }

  private List<ChatChunk> text(String text) {
    return text.isEmpty() ? List.of() : emit(Delta.content(text));
  }

  private List<ChatChunk> emit(Delta delta) {
    Delta d = roleSent ? delta : delta.withRole("assistant");
    roleSent = true;
    return List.of(ChatChunk.of(id, created, model, ChunkChoice.of(d)));
  }

  /** Usage is cumulative: {@code message_delta} repeats and updates what {@code message_start} said. */
  private void readUsage(JsonNode u) {
    if (!u.isObject()) return;
    inputTokens = u.path("input_tokens").asInt(inputTokens);
    cacheCreationTokens = u.path("cache_creation_input_tokens").asInt(cacheCreationTokens);
    cacheReadTokens = u.path("cache_read_input_tokens").asInt(cacheReadTokens);
    outputTokens = u.path("output_tokens").asInt(outputTokens);
  }
}
