package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.ToolCallDelta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link ChatChunk} as the SSE frame {@code data: <chat.completion.chunk>\n\n} OpenAI clients
 * read. {@code usageField} follows OpenAI: with {@code include_usage} every chunk carries {@code usage}
 * ({@code null} but on the last), without it no chunk does.
 */
public final class ChatChunkWriter {
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private ChatChunkWriter() {}

  public static byte[] sseFrame(ChatChunk chunk, boolean usageField) {
    FrameBuffer frame = FrameBuffer.ofThisThread();
    try {
      frame.bytes.write(DATA);
      write(frame.json, chunk, usageField);
      frame.json.flush(); // the JSON into bytes, before the frame's end
      frame.bytes.write(END);
      return frame.take();
    } catch (IOException e) {
      frame.discard();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      frame.discard();
      throw e;
    }
  }

  static void write(JsonGenerator g, ChatChunk chunk, boolean usageField) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", chunk.id());
    g.writeStringField("object", "chat.completion.chunk");
    g.writeNumberField("created", chunk.created());
    g.writeStringField("model", chunk.model());
    g.writeArrayFieldStart("choices");
    for (ChunkChoice c : chunk.choices()) {
      g.writeStartObject();
      g.writeNumberField("index", c.index());
      writeDelta(g, c.delta());
      g.writeNullField("logprobs");
      if (c.finishReason().isPresent()) g.writeStringField("finish_reason", c.finishReason().get().wire());
      else g.writeNullField("finish_reason");
      g.writeEndObject();
    }
    g.writeEndArray();
    if (chunk.usage().isPresent()) {
      g.writeFieldName("usage");
      UsageWriter.write(g, chunk.usage().get());
    } else if (usageField) {
      g.writeNullField("usage");
    }
    g.writeEndObject();
  }

  private static void writeDelta(JsonGenerator g, Delta d) throws IOException {
    g.writeObjectFieldStart("delta");
    if (d.role().isPresent()) g.writeStringField("role", d.role().get());
    if (d.content().isPresent()) g.writeStringField("content", d.content().get());
    if (d.reasoningContent().isPresent()) g.writeStringField("reasoning_content", d.reasoningContent().get());
    if (!d.toolCalls().isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (ToolCallDelta t : d.toolCalls()) {
        g.writeStartObject();
        g.writeNumberField("index", t.index());
        if (t.id().isPresent()) {
          g.writeStringField("id", t.id().get());
          g.writeStringField("type", "function");
        }
        g.writeObjectFieldStart("function");
        if (t.name().isPresent()) g.writeStringField("name", t.name().get());
        g.writeStringField("arguments", t.arguments());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }
}
