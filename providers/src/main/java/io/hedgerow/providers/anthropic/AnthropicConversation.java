package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.ChatMessage;
import io.hedgerow.providers.chat.ContentPart;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns OpenAI messages into Anthropic's {@code system} and {@code messages}: instructions move to the
 * top-level system prompt, tool results become {@code tool_result} blocks of a user turn, and turns of the
 * same role are merged, since Anthropic wants user and assistant to alternate.
 */
final class AnthropicConversation {
  private AnthropicConversation() {}

  /** A turn being built; {@code content} grows while messages of the same role follow. */
  private record Turn(String role, List<ObjectNode> content) {}

  /** Writes {@code system} (when there are instructions) and {@code messages} into {@code body}. */
  static void write(List<ChatMessage> messages, ObjectNode body) {
    ArrayNode system = Json.MAPPER.createArrayNode();
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      String path = "messages[" + i + "]";
      switch (m.role()) {
        case SYSTEM, DEVELOPER -> {
          String text = m.text();
          if (!text.isEmpty()) system.add(text(text));
        }
        case USER -> append(turns, "user", userBlocks(m, path));
        case ASSISTANT -> append(turns, "assistant", assistantBlocks(m, path));
        case TOOL -> append(turns, "user", List.of(toolResult(m, path)));
      }
    }
    if (!system.isEmpty()) body.set("system", system);
    ArrayNode out = body.putArray("messages");
    for (Turn t : turns) {
      ObjectNode turn = out.addObject().put("role", t.role());
      ArrayNode content = turn.putArray("content");
      // Anthropic rejects a user turn whose tool_result blocks do not come first.
      t.content().stream().filter(AnthropicConversation::isToolResult).forEach(content::add);
      t.content().stream().filter(b -> !isToolResult(b)).forEach(content::add);
    }
  }

  private static void append(List<Turn> turns, String role, List<ObjectNode> blocks) {
    if (blocks.isEmpty()) return;
    Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
    if (last != null && last.role().equals(role)) {
      last.content().addAll(blocks);
    } else {
      turns.add(new Turn(role, new ArrayList<>(blocks)));
    }
  }

  private static List<ObjectNode> userBlocks(ChatMessage m, String path) {
    List<ObjectNode> blocks = new ArrayList<>(m.content().size());
    for (int j = 0; j < m.content().size(); j++) {
      ContentPart p = m.content().get(j);
      if (p instanceof ContentPart.Text t) {
        // Anthropic rejects empty text blocks; an empty part says nothing anyway.
        if (!t.text().isEmpty()) blocks.add(text(t.text()));
      } else if (p instanceof ContentPart.Image img) {
        blocks.add(image(img, path + ".content[" + j + "].image_url.url"));
      }
    }
    return blocks;
  }

  private static List<ObjectNode> assistantBlocks(ChatMessage m, String path) {
    List<ObjectNode> blocks = new ArrayList<>(1 + m.toolCalls().size());
    String text = m.text();
    if (!text.isEmpty()) blocks.add(text(text));
    for (int j = 0; j < m.toolCalls().size(); j++) {
      ToolCall call = m.toolCalls().get(j);
      ObjectNode use = Json.MAPPER.createObjectNode().put("type", "tool_use").put("id", call.id()).put("name", call.name());
      use.set("input", arguments(call.arguments(), path + ".tool_calls[" + j + "].function.arguments"));
      blocks.add(use);
    }
    return blocks;
  }

  private static ObjectNode toolResult(ChatMessage m, String path) {
    ObjectNode result = Json.MAPPER.createObjectNode().put("type", "tool_result").put("tool_use_id", m.toolCallId().orElseThrow());
    boolean textOnly = m.content().stream().allMatch(p -> p instanceof ContentPart.Text);
    if (textOnly) {
      String text = m.text();
      if (!text.isEmpty()) result.put("content", text);
    } else {
      ArrayNode content = result.putArray("content");
      userBlocks(m, path).forEach(content::add);
    }
    return result;
  }

  private static JsonNode arguments(String arguments, String param) {
    if (arguments.isBlank()) return Json.MAPPER.createObjectNode();
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(arguments);
    } catch (IOException e) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      throw new InvalidRequestException("'" + param + "' must be a JSON object encoded as a string; Anthropic needs the "
          + "arguments of earlier tool calls as an object.", param);
    }
    return parsed;
  }

  private static ObjectNode image(ContentPart.Image img, String param) {
    ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
    String url = img.url();
    if (img.isDataUrl()) {
      int comma = url.indexOf(',');
      boolean base64 = comma > 0 && url.substring(0, comma).endsWith(";base64");
      if (!base64 || img.mediaType().isEmpty()) {
        throw new InvalidRequestException("'" + param + "' must be a base64 data URL with a media type "
            + "(data:image/png;base64,...) or an http(s) URL.", param);
      }
      block.putObject("source").put("type", "base64").put("media_type", img.mediaType().get())
          .put("data", img.base64Data().orElseThrow());
    } else if (url.startsWith("https://") || url.startsWith("http://")) {
      block.putObject("source").put("type", "url").put("url", url);
    } else {
      throw new InvalidRequestException("'" + param + "' must be an http(s) URL or a base64 data URL.", param);
    }
    return block;
  }

  private static ObjectNode text(String text) {
    return Json.MAPPER.createObjectNode().put("type", "text").put("text", text);
  }

  private static boolean isToolResult(JsonNode block) {
    return "tool_result".equals(block.path("type").asText());
  }
}
