package io.hedgerow.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.json.Json;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Builds the upstream body from the client's own JSON, so fields Hedgerow does not model pass through:
 * only {@code model} and the streaming flags are set, fields the provider knows under another name are
 * renamed, and fields it rejects are removed. Streams ask for usage, which Hedgerow needs for accounting,
 * wherever the provider accepts {@code stream_options}.
 */
public final class OpenAiRequestMapper {
  private OpenAiRequestMapper() {}

  public static byte[] toUpstream(ChatRequest request, String upstreamModel, boolean stream, OpenAiPreset preset) {
    ObjectNode body = request.body().deepCopy();
    body.put("model", upstreamModel);
    if (stream) {
      body.put("stream", true);
      if (preset.includeUsage()) {
        // keep whatever else the client put in stream_options (include_obfuscation, say)
        JsonNode options = body.get("stream_options");
        ObjectNode o = options instanceof ObjectNode existing ? existing : body.putObject("stream_options");
        o.put("include_usage", true);
      } else {
        body.remove("stream_options");
      }
    } else {
      body.remove("stream");
      body.remove("stream_options");
    }
    renameFields(body, preset.renamedFields());
    preset.rejectedFields().forEach(field -> removeField(body, field));
    return write(body);
  }

  /** Moves each {@code from} field to its {@code to} name; the moved value wins over one already there. */
  static void renameFields(ObjectNode body, Map<String, String> renames) {
    renames.forEach((from, to) -> {
      JsonNode value = body.remove(from);
      if (value != null) body.set(to, value);
    });
  }

  /** Removes {@code name}, or with {@code parent[].child} the {@code child} of every object in the array {@code parent}. */
  static void removeField(ObjectNode body, String field) {
    int bracket = field.indexOf("[].");
    if (bracket < 0) {
      body.remove(field);
      return;
    }
    String child = field.substring(bracket + 3);
    for (JsonNode element : body.path(field.substring(0, bracket))) {
      if (element instanceof ObjectNode o) o.remove(child);
    }
  }

  static byte[] write(ObjectNode body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
