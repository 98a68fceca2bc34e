package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.json.ChatChunkWriter;
import io.hedgerow.providers.chat.json.ChatCompletionWriter;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/** Reads the recorded-style payloads under {@code fixtures/anthropic/} and renders outputs as the client sees them. */
final class AnthropicFixtures {
  private AnthropicFixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
      if (in == null) throw new IllegalArgumentException("no fixture " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  static JsonNode json(String name) {
    return parse(text(name));
  }

  static ChatRequest request(String name) {
    return ChatRequestReader.read(bytes(name));
  }

  /** The events of an SSE fixture, framed as {@code event:}/{@code data:} lines separated by blank lines. */
  static List<SseEvent> events(String name) {
    List<SseEvent> out = new ArrayList<>();
    for (String frame : text(name).split("\n\n")) {
      String event = "";
      StringBuilder data = new StringBuilder();
      for (String line : frame.split("\n")) {
        if (line.startsWith("event: ")) event = line.substring(7);
        else if (line.startsWith("data: ")) data.append(line.substring(6));
      }
      if (data.length() > 0) out.add(new SseEvent(event, ByteString.fromString(data.toString())));
    }
    return out;
  }

  /** One expected OpenAI JSON object per line. */
  static List<JsonNode> jsonLines(String name) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text(name).split("\n")) {
      if (!line.isBlank()) out.add(parse(line));
    }
    return out;
  }

  /** A chunk as the client reads it from the SSE frame, with the {@code usage} field of include_usage streams. */
  static JsonNode frame(ChatChunk chunk) {
    String frame = new String(ChatChunkWriter.sseFrame(chunk, true), StandardCharsets.UTF_8);
    return parse(frame.substring("data: ".length()).strip());
  }

  static List<JsonNode> frames(List<ChatChunk> chunks) {
    return chunks.stream().map(AnthropicFixtures::frame).toList();
  }

  static JsonNode written(ChatCompletion completion) {
    return parse(new String(ChatCompletionWriter.write(completion), StandardCharsets.UTF_8));
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
