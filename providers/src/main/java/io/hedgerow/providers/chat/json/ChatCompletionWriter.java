package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.hedgerow.providers.chat.AssistantMessage;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.CompletionChoice;
import io.hedgerow.providers.chat.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes a {@link ChatCompletion} as OpenAI's {@code chat.completion} JSON. */
public final class ChatCompletionWriter {
  private ChatCompletionWriter() {}

  public static byte[] write(ChatCompletion c) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", c.id());
      g.writeStringField("object", "chat.completion");
      g.writeNumberField("created", c.created());
      g.writeStringField("model", c.model());
      g.writeArrayFieldStart("choices");
      for (CompletionChoice choice : c.choices()) {
        g.writeStartObject();
        g.writeNumberField("index", choice.index());
        writeMessage(g, choice.message());
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", choice.finishReason().wire());
        g.writeEndObject();
      }
      g.writeEndArray();
      if (c.usage().isPresent()) {
        g.writeFieldName("usage");
        UsageWriter.write(g, c.usage().get());
      }
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeMessage(JsonGenerator g, AssistantMessage m) throws IOException {
    g.writeObjectFieldStart("message");
    g.writeStringField("role", "assistant");
    if (m.content().isPresent()) g.writeStringField("content", m.content().get());
    else g.writeNullField("content");
    if (m.reasoningContent().isPresent()) g.writeStringField("reasoning_content", m.reasoningContent().get());
    g.writeNullField("refusal");
    if (!m.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (ToolCall t : m.toolCalls()) {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", t.name());
        g.writeStringField("arguments", t.arguments());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }
}
