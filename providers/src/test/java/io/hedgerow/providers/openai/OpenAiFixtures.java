package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.json.ChatChunkWriter;
import io.hedgerow.providers.chat.json.ChatCompletionWriter;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ApiKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads the recorded-style payloads under {@code fixtures/openai/} and renders outputs as the client sees them. */
final class OpenAiFixtures {
  private OpenAiFixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = OpenAiFixtures.class.getResourceAsStream("/fixtures/openai/" + name)) {
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

  static ChatRequest request(String json) {
    return ChatRequestReader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  /** One expected OpenAI JSON object per line. */
  static List<JsonNode> jsonLines(String name) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text(name).split("\n")) {
      if (!line.isBlank()) out.add(parse(line));
    }
    return out;
  }

  /** A chunk as the client reads it, checking the SSE framing on the way: {@code data: <json>\n\n}. */
  static JsonNode frame(ChatChunk chunk) {
    String frame = new String(ChatChunkWriter.sseFrame(chunk, true), StandardCharsets.UTF_8);
    if (!frame.startsWith("data: ") || !frame.endsWith("\n\n")) throw new AssertionError("not an SSE frame: " + frame);
    return parse(frame.substring("data: ".length(), frame.length() - 2));
  }

  static List<JsonNode> frames(List<ChatChunk> chunks) {
    return chunks.stream().map(OpenAiFixtures::frame).toList();
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

  static JsonNode parse(byte[] json) {
    return parse(new String(json, StandardCharsets.UTF_8));
  }

  /** An obviously fake key, new per test run, so nothing resembling a real secret is ever committed. */
  static ApiKey fakeKey() {
    return new ApiKey("sk-test-" + UUID.randomUUID());
  }

  static ProviderSettings settings(String kind, String baseUrl, Optional<ApiKey> key, String hocon) {
    return new ProviderSettings("p-" + kind, kind, baseUrl, key, Map.of(), ConfigFactory.parseString(hocon));
  }
}
