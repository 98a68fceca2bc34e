package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.hedgerow.providers.chat.EmbeddingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Writes an {@link EmbeddingResult} as OpenAI's {@code /v1/embeddings} answer. With {@code base64} each
 * vector is the base64 of its little-endian float32 bytes, which is what OpenAI's SDKs decode.
 */
public final class EmbeddingResultWriter {
  private EmbeddingResultWriter() {}

  public static byte[] write(EmbeddingResult result, boolean base64) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(1024); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (int i = 0; i < result.vectors().size(); i++) {
        float[] v = result.vectors().get(i);
        g.writeStartObject();
        g.writeStringField("object", "embedding");
        g.writeNumberField("index", i);
        if (base64) {
          g.writeStringField("embedding", base64(v));
        } else {
          g.writeFieldName("embedding");
          g.writeStartArray();
          for (float f : v) g.writeNumber(f);
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("model", result.model());
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", result.promptTokens());
      g.writeNumberField("total_tokens", result.promptTokens());
      g.writeEndObject();
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String base64(float[] v) {
    ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) bytes.putFloat(f);
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
