package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Writes OpenAI's error body {@code {"error":{"message","type","param","code"}}}. */
public final class ErrorBodyWriter {
  private ErrorBodyWriter() {}

  public static byte[] write(String message, String type, Optional<String> param, Optional<String> code) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", message);
      g.writeStringField("type", type);
      if (param.isPresent()) g.writeStringField("param", param.get());
      else g.writeNullField("param");
      if (code.isPresent()) g.writeStringField("code", code.get());
      else g.writeNullField("code");
      g.writeEndObject();
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
