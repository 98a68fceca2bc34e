package io.hedgerow.providers.anthropic;

import io.hedgerow.providers.anthropic.AnthropicStreamEvent.Block;
import io.hedgerow.providers.anthropic.AnthropicStreamEvent.BlockDelta;
import io.hedgerow.providers.anthropic.AnthropicStreamEvent.Message;
import io.hedgerow.providers.anthropic.AnthropicStreamEvent.Tokens;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCallDelta;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
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
  private static final class OpenBlock {
    final Kind kind;
    final int toolIndex;
    final String prefilledInput;
    boolean sentArguments;

    OpenBlock(Kind kind, int toolIndex, String prefilledInput) {
      this.kind = kind;
      this.toolIndex = toolIndex;
      this.prefilledInput = prefilledInput;
    }
  }

  private static final OpenBlock IGNORED = new OpenBlock(Kind.IGNORED, -1, "");

  private final AnswerShape shape;
  private final long created;
  private final Map<Integer, OpenBlock> blocks = new HashMap<>();
  private String id = AnthropicResponseMapper.ID_PREFIX;
  private String model = "";
  private boolean roleSent;
  private boolean finishSent;
  private boolean stopped;
  private int toolCalls;
  private Tokens tokens = Tokens.NONE;
  private final UpstreamJsonReader json = new UpstreamJsonReader("a stream event");

  public AnthropicStreamDecoder(AnswerShape shape, long createdEpochSeconds) {
    this.shape = shape;
    this.created = createdEpochSeconds;
  }

  public List<ChatChunk> decode(SseEvent event) {
    if (stopped || event.data().isEmpty()) return List.of();
    AnthropicStreamEvent e;
    try (UpstreamJsonReader r = json.read(event.data())) {
      e = AnthropicStreamEvent.read(r, event.event(), tokens);
    }
    return switch (e.type()) {
      case "message_start" -> onMessageStart(e.message());
      case "content_block_start" -> onBlockStart(e.index(), e.block());
      case "content_block_delta" -> onBlockDelta(e.index(), e.delta());
      case "content_block_stop" -> onBlockStop(e.index());
      case "message_delta" -> onMessageDelta(e);
      case "message_stop" -> onMessageStop();
      case "error" -> throw AnthropicErrors.ofStreamEvent(e.error()).exception();
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

  private List<ChatChunk> onMessageStart(Message message) {
    id = AnthropicResponseMapper.ID_PREFIX + message.id();
    model = message.model();
    tokens = message.usage();
    return emit(new Delta(Optional.of("assistant"), Optional.of(""), Optional.empty(), List.of()));
  }

  private List<ChatChunk> onBlockStart(int index, Block block) {
    switch (block.type()) {
      case "text" -> {
        // A forced JSON answer is the tool's input alone; text around it would break the JSON.
        if (shape.jsonTool().isPresent()) break;
        blocks.put(index, new OpenBlock(Kind.TEXT, -1, ""));
        return text(block.text());
      }
      case "thinking" -> {
        if (!shape.showThinking()) break;
        blocks.put(index, new OpenBlock(Kind.THINKING, -1, ""));
        String thinking = block.thinking();
        return thinking.isEmpty() ? List.of() : emit(Delta.reasoning(thinking));
      }
      case "tool_use" -> {
        String name = block.name();
        String prefilled = block.input();
        if (shape.isJsonAnswer(name)) {
          blocks.put(index, new OpenBlock(Kind.JSON_ANSWER, -1, prefilled));
          return List.of();
        }
        int toolIndex = toolCalls++;
        blocks.put(index, new OpenBlock(Kind.TOOL_CALL, toolIndex, prefilled));
        return emit(Delta.toolCalls(List.of(ToolCallDelta.start(toolIndex, block.id(), name, ""))));
      }
      default -> { }
    }
    blocks.put(index, IGNORED); // redacted thinking, server tools: nothing an OpenAI client can read
    return List.of();
  }

  private List<ChatChunk> onBlockDelta(int index, BlockDelta delta) {
    OpenBlock block = blocks.getOrDefault(index, IGNORED);
    return switch (delta.type()) {
      case "text_delta" -> block.kind == Kind.TEXT ? text(delta.text()) : List.of();
      case "thinking_delta" -> {
        String thinking = delta.thinking();
        yield block.kind == Kind.THINKING && !thinking.isEmpty() ? emit(Delta.reasoning(thinking)) : List.of();
      }
      case "input_json_delta" -> arguments(block, delta.partialJson());
      default -> List.of(); // signature_delta, citations_delta: no OpenAI counterpart
    };
  }

  private List<ChatChunk> onBlockStop(int index) {
    OpenBlock block = blocks.remove(index);
    // A call without arguments streams only "", which is not JSON; the client must still get an object.
    if (block != null && !block.sentArguments) return arguments(block, block.prefilledInput);
    return List.of();
  }

  private List<ChatChunk> arguments(OpenBlock block, String fragment) {
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

  private List<ChatChunk> onMessageDelta(AnthropicStreamEvent e) {
    tokens = e.usage();
    Optional<String> stopReason = e.delta().stopReason();
    if (finishSent || stopReason.isEmpty()) return List.of();
    return finish(AnthropicResponseMapper.finishReason(stopReason.get(), toolCalls > 0));
  }

  private List<ChatChunk> onMessageStop() {
    stopped = true; // nothing after it is read
    json.end();
    ChatChunk usage = ChatChunk.usage(id, created, model,
        AnthropicResponseMapper.usage(tokens.input(), tokens.cacheCreation(), tokens.cacheRead(), tokens.output()));
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
}
