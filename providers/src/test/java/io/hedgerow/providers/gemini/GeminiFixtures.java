package io.hedgerow.providers.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.util.ByteString;

/** Reads the recorded-style Gemini payloads under {@code fixtures/gemini/} and renders what the client sees. */
final class GeminiFixtures {
  /** The {@code created} second the tests pin, so expected output is exact. */
  static final long CREATED = 1770000000L;

  private GeminiFixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = GeminiFixtures.class.getResourceAsStream("/fixtures/gemini/" + name)) {
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
    try {
      return Json.MAPPER.readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ChatRequest request(String body) {
    return ChatRequestReader.read(body.getBytes(StandardCharsets.UTF_8));
  }

  /** The frames of a {@code .chunks.txt} recording (one GenerateContentResponse per line), as SSE events. */
  static List<SseEvent> events(String name) {
    List<SseEvent> out = new ArrayList<>();
    for (String line : text(name).split("\n")) {
      if (!line.isBlank()) out.add(new SseEvent("", ByteString.fromString(line)));
    }
    return out;
  }

  /** The same recording as Google puts it on the wire with {@code alt=sse}: CRLF-framed data lines. */
  static byte[] crlfSse(String name) {
    StringBuilder sb = new StringBuilder();
    for (String line : text(name).split("\n")) {
      if (!line.isBlank()) sb.append("data: ").append(line).append("\r\n\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Call ids "call_test_1", "call_test_2", … in order, instead of random ones. */
  static Supplier<String> sequentialIds() {
    AtomicInteger n = new AtomicInteger();
    return () -> "call_test_" + n.incrementAndGet();
  }

  static GeminiStreamDecoder decoder(boolean reasoning) {
    return new GeminiStreamDecoder("gemini-fallback", reasoning, CREATED, sequentialIds());
  }

  /** Feeds every event and then the end of the stream, as the adapter does. */
  static List<ChatChunk> decodeAll(GeminiStreamDecoder decoder, List<SseEvent> events) {
    List<ChatChunk> out = new ArrayList<>();
    for (SseEvent e : events) out.addAll(decoder.accept(e));
    out.addAll(decoder.accept(GeminiStreamDecoder.END_OF_STREAM));
    return out;
  }

  /** The chunks exactly as the client reads them (without {@code include_usage}'s null usage fields). */
  static ArrayNode clientView(List<ChatChunk> chunks) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ChatChunk c : chunks) {
      String frame = new String(ChatChunkWriter.sseFrame(c, false), StandardCharsets.UTF_8);
      out.add(parse(frame.substring("data: ".length()).strip()));
    }
    return out;
  }

  static JsonNode clientView(ChatCompletion completion) {
    return parse(new String(ChatCompletionWriter.write(completion), StandardCharsets.UTF_8));
  }

  static void assertJson(JsonNode expected, JsonNode actual) {
    assertEquals(expected, actual, () -> "expected\n" + expected.toPrettyString() + "\nbut was\n" + actual.toPrettyString());
  }

  private static JsonNode parse(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
