package io.hedgerow.providers.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.hedgerow.providers.upstream.UpstreamJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Reads a Gemini {@code GenerateContentResponse} into a {@link ChatCompletion}: candidates become choices,
 * function calls get synthesized ids, thought summaries become {@code reasoning_content} (only when the
 * client asked for reasoning), and a blocked prompt becomes an empty {@code content_filter} answer. Also
 * holds the finish-reason, usage and call-id rules the stream decoder shares.
 */
public final class GeminiResponseMapper {
  private static final char[] ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private GeminiResponseMapper() {}

  public static ChatCompletion fromUpstream(byte[] body, String fallbackModel, boolean reasoning) {
    return fromUpstream(body, fallbackModel, reasoning, System.currentTimeMillis() / 1000, GeminiResponseMapper::newCallId);
  }

  static ChatCompletion fromUpstream(byte[] body, String fallbackModel, boolean reasoning, long created,
      Supplier<String> callIds) {
    JsonNode root = UpstreamJson.object(body, "a body");
    if (root.has("error")) throw GeminiErrors.classify(0, root.get("error"), Optional.empty()).exception();
    String id = completionId(root);
    String model = root.path("modelVersion").asText(fallbackModel);
    Optional<Usage> usage = usage(root.get("usageMetadata"));
    JsonNode candidates = root.path("candidates");
    if (candidates.isEmpty()) {
      if (isBlocked(root)) {
        CompletionChoice filtered = new CompletionChoice(0,
            new AssistantMessage(Optional.of(""), Optional.empty(), List.of()), FinishReason.CONTENT_FILTER);
        return new ChatCompletion(id, created, model, List.of(filtered), usage);
      }
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered without candidates.").exception();
    }
    List<CompletionChoice> choices = new ArrayList<>(candidates.size());
    for (JsonNode c : candidates) {
      StringBuilder text = new StringBuilder();
      StringBuilder thoughts = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode part : c.path("content").path("parts")) {
        JsonNode call = part.get("functionCall");
        if (call != null) {
          calls.add(new ToolCall(callIds.get(), call.path("name").asText(""), arguments(call)));
        } else if (part.has("text")) {
          if (!isThought(part)) text.append(part.get("text").asText());
          else if (reasoning) thoughts.append(part.get("text").asText());
        }
      }
      Optional<String> content = text.length() == 0 && !calls.isEmpty() ? Optional.empty() : Optional.of(text.toString());
      Optional<String> reasoningContent = thoughts.length() == 0 ? Optional.empty() : Optional.of(thoughts.toString());
      choices.add(new CompletionChoice(c.path("index").asInt(choices.size()),
          new AssistantMessage(content, reasoningContent, List.copyOf(calls)),
          finishReason(c.path("finishReason").asText(""), !calls.isEmpty(), c.path("finishMessage").asText(""))));
    }
    return new ChatCompletion(id, created, model, List.copyOf(choices), usage);
  }

  /** One id per answer, taken from Gemini's {@code responseId} so logs on both sides can be matched. */
  static String completionId(JsonNode root) {
    return completionId(root.path("responseId").asText(""));
  }

  static String completionId(String responseId) {
    return "chatcmpl-" + (responseId.isEmpty() ? randomId(24) : responseId);
  }

  /** Gemini's function calls carry no id, so each gets a fresh one the client can quote in its tool result. */
  public static String newCallId() {
    return "call_" + randomId(24);
  }

  private static String randomId(int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[length];
    for (int i = 0; i < length; i++) out[i] = ID_CHARS[r.nextInt(ID_CHARS.length)];
    return new String(out);
  }

  /** The whole {@code args} object as the JSON string OpenAI clients expect. */
  static String arguments(JsonNode functionCall) {
    JsonNode args = functionCall.get("args");
    if (args == null || args.isNull()) return "{}";
    try {
      return Json.MAPPER.writeValueAsString(args);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a parsed tree always writes
    }
  }

  static boolean isThought(JsonNode part) {
    return part.path("thought").asBoolean(false);
  }

  static boolean isBlocked(JsonNode root) {
    return !root.path("promptFeedback").path("blockReason").asText("").isEmpty();
  }

  /**
   * Gemini's finish reason in OpenAI's words. Gemini says {@code STOP} after function calls, so calls turn
   * it into {@code tool_calls}. A malformed or unexpected function call fails the answer (the model broke
   * the tool protocol, and a retry elsewhere may succeed); reasons OpenAI has no word for end as
   * {@code stop}.
   */
  static FinishReason finishReason(String reason, boolean hadToolCalls, String finishMessage) {
    return switch (reason) {
      case "MAX_TOKENS" -> FinishReason.LENGTH;
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> FinishReason.CONTENT_FILTER;
      case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL" -> {
        throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream model ended with " + reason
            + (finishMessage.isEmpty() ? "." : ": " + finishMessage)).exception();
      }
      default -> hadToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    };
  }

  /** Gemini's {@code usageMetadata} in OpenAI's terms (a stream's frames are read by {@link GeminiStreamFrame}). */
  static Optional<Usage> usage(JsonNode u) {
    if (u == null || !u.isObject()) return Optional.empty();
    return Optional.of(usage(u.path("promptTokenCount").asInt(0), u.path("candidatesTokenCount").asInt(0),
        u.path("cachedContentTokenCount").asInt(0), u.path("thoughtsTokenCount").asInt(0)));
  }

  /**
   * Gemini's token counts in OpenAI's terms. Thought tokens are billed as output, so they count in
   * {@code completion_tokens} and are reported again as {@code reasoning_tokens}.
   */
  static Usage usage(int prompt, int candidates, int cached, int thoughts) {
    return new Usage(prompt, candidates + thoughts, cached, thoughts);
  }
}
