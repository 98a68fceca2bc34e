package io.hedgerow.providers.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** The requested output format: {@code text}, {@code json_object}, or {@code json_schema} with its schema. */
public record ResponseFormat(String type, Optional<String> schemaName, Optional<JsonNode> schema) {
  public boolean isJson() {
    return !"text".equals(type);
  }
}
