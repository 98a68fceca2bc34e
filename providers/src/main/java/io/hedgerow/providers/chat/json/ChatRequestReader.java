package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.ChatMessage;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.ContentPart;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.ResponseFormat;
import io.hedgerow.providers.chat.Role;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.ToolChoice;
import io.hedgerow.providers.chat.ToolDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Parses and validates a client's {@code /v1/chat/completions} body, saying exactly what is wrong when it cannot. */
public final class ChatRequestReader {
  private ChatRequestReader() {}

  public static ChatRequest read(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(
          "The request body is not valid JSON: " + e.getOriginalMessage() + locationOf(e), null);
    } catch (IOException e) {
      throw new InvalidRequestException("The request body could not be read: " + e.getMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRequestException("The request body must be a JSON object.", null);
    }
    return read((ObjectNode) root);
  }

  public static ChatRequest read(ObjectNode root) {
    String model = requiredString(root, "model");
    JsonNode messagesNode = root.get("messages");
    if (messagesNode == null || messagesNode.isNull()) {
      throw new InvalidRequestException("Missing required parameter: 'messages'.", "messages");
    }
    if (!messagesNode.isArray() || messagesNode.isEmpty()) {
      throw new InvalidRequestException("'messages' must be a non-empty array.", "messages");
    }
    List<ChatMessage> messages = new ArrayList<>(messagesNode.size());
    for (int i = 0; i < messagesNode.size(); i++) {
      messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
    }
    boolean stream = bool(root, "stream").orElse(false);
    JsonNode streamOptions = root.path("stream_options");
    boolean includeUsage = stream && streamOptions.path("include_usage").asBoolean(false);
    OptionalInt maxTokens = positiveInt(root, "max_completion_tokens");
    if (maxTokens.isEmpty()) maxTokens = positiveInt(root, "max_tokens");
    JsonNode effort = root.get("reasoning_effort");
    boolean reasoning = effort != null && effort.isTextual() && !effort.asText().equals("none");
    return new ChatRequest(
        model,
        List.copyOf(messages),
        stream,
        includeUsage,
        maxTokens,
        number(root, "temperature"),
        number(root, "top_p"),
        stop(root),
        positiveInt(root, "n"),
        responseFormat(root),
        tools(root),
        toolChoice(root),
        bool(root, "parallel_tool_calls"),
        reasoning,
        root);
  }

  private static ChatMessage message(JsonNode m, String path) {
    if (!m.isObject()) throw new InvalidRequestException(path + " must be an object.", path);
    JsonNode roleNode = m.get("role");
    if (roleNode == null || !roleNode.isTextual()) {
      throw new InvalidRequestException("Missing required parameter: '" + path + ".role'.", path + ".role");
    }
    Role role = Role.fromWire(roleNode.asText()).orElseThrow(() -> new InvalidRequestException(
        "Invalid value for '" + path + ".role': '" + roleNode.asText()
            + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", path + ".role"));
    List<ContentPart> content = content(m.get("content"), path + ".content");
    List<ToolCall> toolCalls = List.of();
    JsonNode calls = m.get("tool_calls");
    if (calls != null && !calls.isNull()) {
      if (role != Role.ASSISTANT || !calls.isArray()) {
        throw new InvalidRequestException("'" + path + ".tool_calls' must be an array on an assistant message.", path + ".tool_calls");
      }
      List<ToolCall> list = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        JsonNode c = calls.get(i);
        String cp = path + ".tool_calls[" + i + "]";
        JsonNode fn = c.path("function");
        list.add(new ToolCall(requiredString(c, "id", cp), requiredString(fn, "name", cp + ".function"),
            fn.path("arguments").isTextual() ? fn.get("arguments").asText() : "{}"));
      }
      toolCalls = List.copyOf(list);
    }
    Optional<String> toolCallId = Optional.empty();
    if (role == Role.TOOL) {
      toolCallId = Optional.of(requiredString(m, "tool_call_id", path));
    }
    if (content.isEmpty() && toolCalls.isEmpty() && role != Role.ASSISTANT) {
      throw new InvalidRequestException("Missing required parameter: '" + path + ".content'.", path + ".content");
    }
    JsonNode name = m.get("name");
    return new ChatMessage(role, content, name != null && name.isTextual() ? Optional.of(name.asText()) : Optional.empty(),
        toolCalls, toolCallId);
  }

  private static List<ContentPart> content(JsonNode c, String path) {
    if (c == null || c.isNull()) return List.of();
    if (c.isTextual()) return List.of(new ContentPart.Text(c.asText()));
    if (!c.isArray()) throw new InvalidRequestException("'" + path + "' must be a string or an array of parts.", path);
    List<ContentPart> parts = new ArrayList<>(c.size());
    for (int i = 0; i < c.size(); i++) {
      JsonNode p = c.get(i);
      String pp = path + "[" + i + "]";
      String type = p.path("type").asText("");
      switch (type) {
        case "text" -> parts.add(new ContentPart.Text(requiredString(p, "text", pp)));
        case "image_url" -> {
          JsonNode img = p.path("image_url");
          String url = img.isTextual() ? img.asText() : requiredString(img, "url", pp + ".image_url");
          JsonNode detail = img.path("detail");
          parts.add(new ContentPart.Image(url, detail.isTextual() ? Optional.of(detail.asText()) : Optional.empty()));
        }
        default -> throw new InvalidRequestException(
            "Invalid value for '" + pp + ".type': '" + type + "'. Supported values are: 'text' and 'image_url'.", pp + ".type");
      }
    }
    return List.copyOf(parts);
  }

  private static List<String> stop(JsonNode root) {
    JsonNode s = root.get("stop");
    if (s == null || s.isNull()) return List.of();
    if (s.isTextual()) return List.of(s.asText());
    if (s.isArray()) {
      List<String> out = new ArrayList<>();
      for (JsonNode e : s) {
        if (!e.isTextual()) throw new InvalidRequestException("'stop' must be a string or an array of strings.", "stop");
        out.add(e.asText());
      }
      return List.copyOf(out);
    }
    throw new InvalidRequestException("'stop' must be a string or an array of strings.", "stop");
  }

  private static Optional<ResponseFormat> responseFormat(JsonNode root) {
    JsonNode rf = root.get("response_format");
    if (rf == null || rf.isNull()) return Optional.empty();
    String type = requiredString(rf, "type", "response_format");
    return switch (type) {
      case "text", "json_object" -> Optional.of(new ResponseFormat(type, Optional.empty(), Optional.empty()));
      case "json_schema" -> {
        JsonNode js = rf.path("json_schema");
        JsonNode schema = js.get("schema");
        yield Optional.of(new ResponseFormat(type, Optional.ofNullable(js.path("name").textValue()),
            Optional.ofNullable(schema)));
      }
      default -> throw new InvalidRequestException("Invalid value for 'response_format.type': '" + type
          + "'. Supported values are: 'text', 'json_object' and 'json_schema'.", "response_format.type");
    };
  }

  private static List<ToolDefinition> tools(JsonNode root) {
    JsonNode t = root.get("tools");
    if (t == null || t.isNull()) return List.of();
    if (!t.isArray()) throw new InvalidRequestException("'tools' must be an array.", "tools");
    List<ToolDefinition> out = new ArrayList<>(t.size());
    for (int i = 0; i < t.size(); i++) {
      String tp = "tools[" + i + "]";
      JsonNode fn = t.get(i).path("function");
      if (!fn.isObject()) throw new InvalidRequestException("Missing required parameter: '" + tp + ".function'.", tp + ".function");
      JsonNode desc = fn.get("description");
      JsonNode strict = fn.get("strict");
      JsonNode params = fn.get("parameters");
      out.add(new ToolDefinition(requiredString(fn, "name", tp + ".function"),
          desc != null && desc.isTextual() ? Optional.of(desc.asText()) : Optional.empty(),
          params == null || params.isNull() ? Json.MAPPER.createObjectNode().put("type", "object") : params,
          strict != null && strict.isBoolean() ? Optional.of(strict.asBoolean()) : Optional.empty()));
    }
    return List.copyOf(out);
  }

  private static Optional<ToolChoice> toolChoice(JsonNode root) {
    JsonNode tc = root.get("tool_choice");
    if (tc == null || tc.isNull()) return Optional.empty();
    if (tc.isTextual()) {
      return Optional.of(switch (tc.asText()) {
        case "none" -> new ToolChoice.None();
        case "auto" -> new ToolChoice.Auto();
        case "required" -> new ToolChoice.Required();
        default -> throw new InvalidRequestException("Invalid value for 'tool_choice': '" + tc.asText()
            + "'. Supported values are: 'none', 'auto', 'required' or a named function.", "tool_choice");
      });
    }
    return Optional.of(new ToolChoice.Named(requiredString(tc.path("function"), "name", "tool_choice.function")));
  }

  private static String requiredString(JsonNode node, String field) {
    return requiredString(node, field, null);
  }

  private static String requiredString(JsonNode node, String field, String parent) {
    String path = parent == null ? field : parent + "." + field;
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) throw new InvalidRequestException("Missing required parameter: '" + path + "'.", path);
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new InvalidRequestException("'" + path + "' must be a non-empty string.", path);
    }
    return v.asText();
  }

  private static Optional<Boolean> bool(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.isBoolean()) throw new InvalidRequestException("'" + field + "' must be a boolean.", field);
    return Optional.of(v.asBoolean());
  }

  private static OptionalInt positiveInt(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) return OptionalInt.empty();
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw new InvalidRequestException("'" + field + "' must be an integer of at least 1.", field);
    }
    return OptionalInt.of(v.asInt());
  }

  private static OptionalDouble number(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) return OptionalDouble.empty();
    if (!v.isNumber()) throw new InvalidRequestException("'" + field + "' must be a number.", field);
    return OptionalDouble.of(v.asDouble());
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }
}
