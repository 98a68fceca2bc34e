package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.AssistantMessage;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.CompletionChoice;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads an OpenAI-compatible {@code chat.completion} body into a {@link ChatCompletion}. */
public final class OpenAiResponseMapper {
  private OpenAiResponseMapper() {}

  public static ChatCompletion fromUpstream(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered with a body that is not JSON.").exception();
    }
    if (root == null || !root.path("choices").isArray()) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered without choices.").exception();
    }
    List<CompletionChoice> choices = new ArrayList<>();
    for (JsonNode c : root.get("choices")) {
      JsonNode m = c.path("message");
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode t : m.path("tool_calls")) {
        calls.add(new ToolCall(t.path("id").asText(""), t.path("function").path("name").asText(""),
            t.path("function").path("arguments").asText("")));
      }
      MessageText text = MessageText.of(m);
      choices.add(new CompletionChoice(c.path("index").asInt(0),
          new AssistantMessage(text.content(), text.reasoning(), List.copyOf(calls)),
          FinishReason.fromWire(c.path("finish_reason").asText("stop"))));
    }
    return new ChatCompletion(root.path("id").asText(""), root.path("created").asLong(0), root.path("model").asText(""),
        List.copyOf(choices), OpenAiChunkDecoder.usage(root.get("usage")));
  }
}
