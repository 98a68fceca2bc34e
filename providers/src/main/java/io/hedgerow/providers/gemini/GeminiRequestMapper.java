package io.hedgerow.providers.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.ChatMessage;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.ContentPart;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.ResponseFormat;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.ToolChoice;
import io.hedgerow.providers.chat.ToolDefinition;
import io.hedgerow.providers.chat.json.Json;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a Gemini {@code GenerateContentRequest} from an OpenAI chat request: instructions go to
 * {@code systemInstruction}, turns become {@code user}/{@code model} contents, tool results become
 * {@code functionResponse} parts named after the call they answer, and sampling, format and tool settings
 * go to {@code generationConfig}, {@code tools} and {@code toolConfig}.
 */
public final class GeminiRequestMapper {
  /**
   * Google's documented stand-in for a {@code thoughtSignature} the client no longer has. Gemini 3
   * rejects replayed function calls without a signature, and OpenAI clients never keep one.
   */
  static final String SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

  private final boolean includeThoughts;
  private final boolean skipThoughtSignature;

  /**
   * @param includeThoughts ask for thought summaries when the client asked for reasoning
   * @param skipThoughtSignature send {@link #SKIP_THOUGHT_SIGNATURE} with replayed function calls
   */
  public GeminiRequestMapper(boolean includeThoughts, boolean skipThoughtSignature) {
    this.includeThoughts = includeThoughts;
    this.skipThoughtSignature = skipThoughtSignature;
  }

  public byte[] toBytes(ChatRequest request) {
    try {
      return Json.MAPPER.writeValueAsBytes(toUpstream(request));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ObjectNode toUpstream(ChatRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode contents = body.putArray("contents");
    ArrayNode system = Json.MAPPER.createArrayNode();
    Map<String, String> callNames = new HashMap<>();
    List<ChatMessage> messages = request.messages();
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      switch (m.role()) {
        // Gemini has one system instruction, so instructions from later in the conversation join it.
        case SYSTEM, DEVELOPER -> {
          if (!m.text().isEmpty()) system.addObject().put("text", m.text());
        }
        case USER -> append(contents, "user", userParts(m));
        case ASSISTANT -> append(contents, "model", modelParts(m, i, callNames));
        case TOOL -> append(contents, "user", functionResponse(m, i, callNames));
      }
    }
    if (!system.isEmpty()) body.putObject("systemInstruction").set("parts", system);
    ObjectNode config = generationConfig(request);
    if (!config.isEmpty()) body.set("generationConfig", config);
    if (!request.tools().isEmpty()) {
      ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
      for (ToolDefinition t : request.tools()) {
        ObjectNode d = declarations.addObject().put("name", t.name());
        t.description().ifPresent(desc -> d.put("description", desc));
        GeminiSchemaConverter.convert(t.parameters()).ifPresent(p -> d.set("parameters", p));
      }
      body.putObject("toolConfig").set("functionCallingConfig", functionCallingConfig(request.effectiveToolChoice()));
    }
    return body;
  }

  /** Gemini wants turns to alternate, so a turn of the same role as the last one extends it. */
  private static void append(ArrayNode contents, String role, ArrayNode parts) {
    if (parts.isEmpty()) return; // Gemini rejects a turn without parts
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    if (last != null && last.path("role").asText().equals(role)) {
      ((ArrayNode) last.get("parts")).addAll(parts);
      return;
    }
    ObjectNode turn = contents.addObject().put("role", role);
    turn.set("parts", parts);
  }

  private static ArrayNode userParts(ChatMessage m) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    for (ContentPart p : m.content()) {
      if (p instanceof ContentPart.Text t) {
        if (!t.text().isEmpty()) parts.addObject().put("text", t.text()); // Gemini rejects an empty text part
      } else if (p instanceof ContentPart.Image img && img.isDataUrl()) {
        parts.addObject().putObject("inlineData")
            .put("mimeType", img.mediaType().orElse("image/jpeg"))
            .put("data", img.base64Data().orElse(""));
      } else if (p instanceof ContentPart.Image img) {
        parts.addObject().putObject("fileData")
            .put("mimeType", mimeTypeOf(img.url()))
            .put("fileUri", img.url());
      }
    }
    return parts;
  }

  private ArrayNode modelParts(ChatMessage m, int index, Map<String, String> callNames) {
    ArrayNode parts = Json.MAPPER.createArrayNode();
    String text = m.text();
    if (!text.isEmpty()) parts.addObject().put("text", text);
    for (int j = 0; j < m.toolCalls().size(); j++) {
      ToolCall call = m.toolCalls().get(j);
      callNames.put(call.id(), call.name());
      ObjectNode part = parts.addObject();
      part.putObject("functionCall").put("name", call.name())
          .set("args", arguments(call.arguments(), "messages[" + index + "].tool_calls[" + j + "].function.arguments"));
      if (skipThoughtSignature) part.put("thoughtSignature", SKIP_THOUGHT_SIGNATURE);
    }
    return parts;
  }

  private static JsonNode arguments(String arguments, String param) {
    if (arguments.isBlank()) return Json.MAPPER.createObjectNode();
    try {
      JsonNode args = Json.MAPPER.readTree(arguments);
      if (args != null && args.isObject()) return args;
    } catch (JsonProcessingException e) {
      // reported below: Gemini takes arguments only as an object
    }
    throw new InvalidRequestException("'" + param + "' must be a JSON object for this model's provider.", param);
  }

  /**
   * Gemini names the function a result belongs to instead of quoting a call id, so the name comes from
   * the earlier assistant call with this id. The result must be an object: a JSON object passes as is,
   * anything else is wrapped as {@code {"content": text}}.
   */
  private static ArrayNode functionResponse(ChatMessage m, int index, Map<String, String> callNames) {
    String id = m.toolCallId().orElse("");
    String name = callNames.get(id);
    if (name == null) {
      throw new InvalidRequestException("Invalid 'messages[" + index + "].tool_call_id': '" + id
          + "' does not match a tool call of an earlier assistant message.", "messages[" + index + "].tool_call_id");
    }
    String text = m.text();
    JsonNode response = null;
    String trimmed = text.strip();
    if (trimmed.startsWith("{")) {
      try {
        response = Json.MAPPER.readTree(trimmed);
      } catch (JsonProcessingException e) {
        response = null; // not JSON after all: sent as text
      }
    }
    if (response == null || !response.isObject()) response = Json.MAPPER.createObjectNode().put("content", text);
    ArrayNode parts = Json.MAPPER.createArrayNode();
    parts.addObject().putObject("functionResponse").put("name", name).set("response", response);
    return parts;
  }

  private ObjectNode generationConfig(ChatRequest request) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    request.maxTokens().ifPresent(v -> c.put("maxOutputTokens", v));
    request.temperature().ifPresent(v -> c.put("temperature", v));
    request.topP().ifPresent(v -> c.put("topP", v));
    if (!request.stop().isEmpty()) {
      ArrayNode stop = c.putArray("stopSequences");
      request.stop().forEach(stop::add);
    }
    request.n().ifPresent(v -> c.put("candidateCount", v));
    JsonNode seed = request.body().get("seed");
    if (seed != null && seed.canConvertToInt()) c.put("seed", seed.asInt());
    request.responseFormat().filter(ResponseFormat::isJson).ifPresent(f -> {
      c.put("responseMimeType", "application/json");
      if (f.type().equals("json_schema")) {
        f.schema().flatMap(GeminiSchemaConverter::convert).ifPresent(s -> c.set("responseSchema", s));
      }
    });
    if (request.reasoning() && includeThoughts) c.putObject("thinkingConfig").put("includeThoughts", true);
    return c;
  }

  private static ObjectNode functionCallingConfig(ToolChoice choice) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    if (choice instanceof ToolChoice.Named named) {
      c.put("mode", "ANY");
      c.putArray("allowedFunctionNames").add(named.name());
    } else {
      c.put("mode", choice instanceof ToolChoice.None ? "NONE" : choice instanceof ToolChoice.Required ? "ANY" : "AUTO");
    }
    return c;
  }

  /** Gemini needs a media type for a remote file; the extension is the only hint without fetching it. */
  static String mimeTypeOf(String url) {
    String path = url;
    int cut = path.indexOf('?');
    if (cut >= 0) path = path.substring(0, cut);
    cut = path.indexOf('#');
    if (cut >= 0) path = path.substring(0, cut);
    int dot = path.lastIndexOf('.');
    int slash = path.lastIndexOf('/');
    String ext = dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return switch (ext) {
      case "png" -> "image/png";
      case "gif" -> "image/gif";
      case "webp" -> "image/webp";
      case "heic" -> "image/heic";
      case "heif" -> "image/heif";
      default -> "image/jpeg";
    };
  }
}
