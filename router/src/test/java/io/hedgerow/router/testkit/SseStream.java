package io.hedgerow.router.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a client-side SSE body frame by frame, as an OpenAI SDK would, so tests can stop part-way. */
public final class SseStream implements AutoCloseable {
  private final InputStream body;
  private final BufferedReader reader;

  public SseStream(InputStream body) {
    this.body = body;
    this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
  }

  /** The next {@code data:} payload, or empty at the end of the body. */
  public Optional<String> next() {
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data: ")) return Optional.of(line.substring(6));
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<String> rest() {
    List<String> out = new ArrayList<>();
    for (Optional<String> d = next(); d.isPresent(); d = next()) out.add(d.get());
    return out;
  }

  public static JsonNode json(String data) {
    try {
      return Json.MAPPER.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException ignored) {
      // closing is how a test hangs up; nothing to do if it is already closed
    }
  }
}
