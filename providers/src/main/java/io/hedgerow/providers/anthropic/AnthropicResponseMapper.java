package io.hedgerow.providers.anthropic;

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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Messages API answer into a {@link ChatCompletion}: text blocks joined into {@code content},
 * {@code tool_use} blocks into tool calls (ids passed through), thinking into {@code reasoning_content} only
 * when the client asked for reasoning, and cache reads counted as cached prompt tokens.
 */
public final class AnthropicResponseMapper {
  /** Prefixed to Anthropic's message id, so ids look like OpenAI's and still lead back to Anthropic's logs. */
  static final String ID_PREFIX = "chatcmpl-";

  private AnthropicResponseMapper() {}

  public static ChatCompletion fromUpstream(byte[] body, AnswerShape shape, long created) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "Anthropic answered with a body that is not JSON.").exception();
    }
    if (root == null || !root.path("content").isArray()) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "Anthropic answered without content.").exception();
    }
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    for (JsonNode block : root.get("content")) {
      switch (block.path("type").asText("")) {
        case "text" -> {
          if (shape.jsonTool().isEmpty()) text.append(block.path("text").asText(""));
        }
        case "thinking" -> {
          if (shape.showThinking()) thinking.append(block.path("thinking").asText(""));
        }
        case "tool_use" -> {
          String name = block.path("name").asText("");
          String input = block.path("input").isObject() ? block.get("input").toString() : "{}";
          if (shape.isJsonAnswer(name)) text.append(input);
          else calls.add(new ToolCall(block.path("id").asText(""), name, input));
        }
        default -> { } // redacted thinking, server tools, blocks added later: nothing an OpenAI client can read
      }
    }
    Optional<String> content = calls.isEmpty() || text.length() > 0 ? Optional.of(text.toString()) : Optional.empty();
    Optional<String> reasoning = thinking.length() > 0 ? Optional.of(thinking.toString()) : Optional.empty();
    FinishReason finish = finishReason(root.path("stop_reason").asText("end_turn"), !calls.isEmpty());
    JsonNode u = root.path("usage");
    Usage usage = usage(u.path("input_tokens").asInt(0), u.path("cache_creation_input_tokens").asInt(0),
        u.path("cache_read_input_tokens").asInt(0), u.path("output_tokens").asInt(0));
    return new ChatCompletion(ID_PREFIX + root.path("id").asText(""), created, root.path("model").asText(""),
        List.of(new CompletionChoice(0, new AssistantMessage(content, reasoning, List.copyOf(calls)), finish)),
        Optional.of(usage));
  }

  /**
   * Maps {@code stop_reason}; {@code tool_use} means {@code tool_calls} only when a tool call reached the
   * client (a forced JSON answer also stops with {@code tool_use}).
   */
  static FinishReason finishReason(String stopReason, boolean passedToolCalls) {
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
      case "tool_use" -> passedToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP; // end_turn, stop_sequence, pause_turn
    };
  }

  /** Anthropic counts cache writes and reads apart from {@code input_tokens}; OpenAI's prompt tokens include them. */
  static Usage usage(int input, int cacheCreation, int cacheRead, int output) {
    return new Usage(input + cacheCreation + cacheRead, output, cacheRead, 0);
  }
}
