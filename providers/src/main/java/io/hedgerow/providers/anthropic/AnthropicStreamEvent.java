package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.util.List;
import java.util.Optional;

/**
 * What one Anthropic stream event says, read in one pass whatever the order of its fields: each field the
 * decoder uses, as the decoder read it from a tree before ({@code asText("")}, {@code asInt()}...). Fields
 * the event's type does not use are left at their defaults, which is what a tree gave for absent fields.
 */
record AnthropicStreamEvent(String type, int index, Message message, Block block, BlockDelta delta, Tokens usage, JsonNode error) {

  /** A stream's token counts, cumulative: each {@code usage} object repeats and updates the last. */
  record Tokens(int input, int cacheCreation, int cacheRead, int output) {
    static final Tokens NONE = new Tokens(0, 0, 0, 0);
  }

  /** {@code message_start}'s message; its usage, the counts so far updated by its {@code usage} object. */
  record Message(String id, String model, Tokens usage) {}

  /** A {@code content_block_start}'s block; {@code input} is a tool call's prefilled input as JSON text. */
  record Block(String type, String text, String thinking, String id, String name, String input) {
    static final Block NONE = new Block("", "", "", "", "", "{}");
  }

  /** A {@code content_block_delta}'s delta, or a {@code message_delta}'s (only its stop reason). */
  record BlockDelta(String type, String text, String thinking, String partialJson, Optional<String> stopReason) {
    static final BlockDelta NONE = new BlockDelta("", "", "", "", Optional.empty());
  }

  private static final List<String> TYPES = List.of("content_block_delta", "ping", "content_block_start",
      "content_block_stop", "message_start", "message_delta", "message_stop", "error");
  private static final List<String> DELTA_TYPES = List.of("text_delta", "input_json_delta", "thinking_delta", "signature_delta");
  private static final List<String> BLOCK_TYPES = List.of("text", "tool_use", "thinking");

  /**
   * Reads the event {@code r} is on. {@code eventName} is the SSE {@code event:} line, the type when the data
   * has none; {@code tokens} are the counts so far, which a {@code usage} object updates field by field.
   */
  static AnthropicStreamEvent read(UpstreamJsonReader r, String eventName, Tokens tokens) {
    String type = eventName;
    int index = 0;
    Message message = new Message("", "", tokens);
    Block block = Block.NONE;
    BlockDelta delta = BlockDelta.NONE;
    Tokens usage = tokens;
    JsonNode error = MissingNode.getInstance();
    while (r.nextField()) {
      switch (r.field()) {
        case "type" -> type = r.knownText(TYPES, eventName);
        case "index" -> index = r.intValue(0);
        case "message" -> message = message(r, tokens);
        case "content_block" -> block = block(r);
        case "delta" -> delta = delta(r);
        case "usage" -> usage = tokens(r, tokens);
        case "error" -> error = r.tree(); // rare: AnthropicErrors reads it as a tree
        default -> { }
      }
    }
    return new AnthropicStreamEvent(type, index, message, block, delta, usage, error);
  }

  private static Message message(UpstreamJsonReader r, Tokens tokens) {
    String id = "";
    String model = "";
    Tokens usage = tokens;
    if (r.enterObject()) {
      while (r.nextField()) {
        switch (r.field()) {
          case "id" -> id = r.text("");
          case "model" -> model = r.text("");
          case "usage" -> usage = tokens(r, tokens);
          default -> { }
        }
      }
    }
    return new Message(id, model, usage);
  }

  private static Block block(UpstreamJsonReader r) {
    if (!r.enterObject()) return Block.NONE;
    String type = "";
    String text = "";
    String thinking = "";
    String id = "";
    String name = "";
    String input = "{}";
    while (r.nextField()) {
      switch (r.field()) {
        case "type" -> type = r.knownText(BLOCK_TYPES, "");
        case "text" -> text = r.text("");
        case "thinking" -> thinking = r.text("");
        case "id" -> id = r.text("");
        case "name" -> name = r.text("");
        case "input" -> {
          // once per tool call: read as a tree, to be written back as JSON text
          JsonNode in = r.isObject() ? r.tree() : MissingNode.getInstance();
          input = in.isObject() && !in.isEmpty() ? in.toString() : "{}";
        }
        default -> { }
      }
    }
    return new Block(type, text, thinking, id, name, input);
  }

  private static BlockDelta delta(UpstreamJsonReader r) {
    if (!r.enterObject()) return BlockDelta.NONE;
    String type = "";
    String text = "";
    String thinking = "";
    String partialJson = "";
    Optional<String> stopReason = Optional.empty();
    while (r.nextField()) {
      switch (r.field()) {
        case "type" -> type = r.knownText(DELTA_TYPES, "");
        case "text" -> text = r.text("");
        case "thinking" -> thinking = r.text("");
        case "partial_json" -> partialJson = r.text("");
        case "stop_reason" -> stopReason = r.string();
        default -> { }
      }
    }
    return new BlockDelta(type, text, thinking, partialJson, stopReason);
  }

  /** A {@code usage} object: each count it carries replaces the one before; one it lacks stays. */
  private static Tokens tokens(UpstreamJsonReader r, Tokens before) {
    if (!r.enterObject()) return before;
    int input = before.input();
    int cacheCreation = before.cacheCreation();
    int cacheRead = before.cacheRead();
    int output = before.output();
    while (r.nextField()) {
      switch (r.field()) {
        case "input_tokens" -> input = r.intValue(before.input());
        case "cache_creation_input_tokens" -> cacheCreation = r.intValue(before.cacheCreation());
        case "cache_read_input_tokens" -> cacheRead = r.intValue(before.cacheRead());
        case "output_tokens" -> output = r.intValue(before.output());
        default -> { }
      }
    }
    return new Tokens(input, cacheCreation, cacheRead, output);
  }
}
