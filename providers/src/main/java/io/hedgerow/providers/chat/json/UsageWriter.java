package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.hedgerow.providers.chat.Usage;
import java.io.IOException;

/** Writes {@link Usage} in OpenAI's shape, details included. */
final class UsageWriter {
  private UsageWriter() {}

  static void write(JsonGenerator g, Usage u) throws IOException {
    g.writeStartObject();
    g.writeNumberField("prompt_tokens", u.promptTokens());
    g.writeNumberField("completion_tokens", u.completionTokens());
    g.writeNumberField("total_tokens", u.totalTokens());
    g.writeObjectFieldStart("prompt_tokens_details");
    g.writeNumberField("cached_tokens", u.cachedPromptTokens());
    g.writeEndObject();
    g.writeObjectFieldStart("completion_tokens_details");
    g.writeNumberField("reasoning_tokens", u.reasoningTokens());
    g.writeEndObject();
    g.writeEndObject();
  }
}
