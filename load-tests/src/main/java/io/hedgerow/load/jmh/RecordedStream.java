package io.hedgerow.load.jmh;

import io.hedgerow.providers.upstream.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.apache.pekko.util.ByteString;

/**
 * The providers' recorded upstream streams ({@code providers/src/test/resources/fixtures}, packed into the
 * benchmarks jar under {@code jmh/fixtures}), read into the {@link SseEvent}s their decoders are fed, and
 * lengthened to a typical answer's length.
 */
final class RecordedStream {
  /**
   * Chunks one replayed stream yields: about a 100-token answer, since most providers send a token or two per
   * chunk. Long enough that the per-stream work (a new decoder, the role chunk, the finish and usage chunks)
   * weighs no more than it does in a real answer.
   */
  static final int CHUNKS = 100;

  private static final ByteString EVENT = ByteString.fromString("event: ");
  private static final ByteString DATA = ByteString.fromString("data: ");

  private RecordedStream() {}

  static byte[] fixture(String path) {
    try (InputStream in = RecordedStream.class.getResourceAsStream("/jmh/fixtures/" + path)) {
      if (in == null) throw new IllegalStateException("no fixture jmh/fixtures/" + path + " in the benchmarks jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The events of an LF-framed {@code .sse} recording. Each event's data is a view into the recording's
   * bytes, as {@code UpstreamEvents} hands over a view into the bytes read from the connection, so a decoder
   * reads it just as it does in the gateway.
   */
  static List<SseEvent> sseEvents(String path) {
    byte[] bytes = fixture(path);
    ByteString all = ByteString.fromArrayUnsafe(bytes);
    List<SseEvent> out = new ArrayList<>();
    String event = "";
    ByteString data = null;
    for (int at = 0, eol; at < bytes.length; at = eol + 1) {
      eol = at;
      while (eol < bytes.length && bytes[eol] != '\n') eol++;
      ByteString line = all.slice(at, eol);
      if (line.isEmpty()) {
        if (data != null) out.add(new SseEvent(event, data));
        event = "";
        data = null;
      } else if (startsWith(line, EVENT)) {
        event = line.drop(EVENT.length()).utf8String();
      } else if (startsWith(line, DATA)) {
        if (data != null) throw new IllegalStateException(path + ": multi-line data is not expected in these recordings");
        data = line.drop(DATA.length());
      }
    }
    if (data != null) out.add(new SseEvent(event, data));
    return out;
  }

  private static boolean startsWith(ByteString line, ByteString prefix) {
    return line.length() >= prefix.length() && line.take(prefix.length()).equals(prefix);
  }

  /** Gemini's {@code .chunks.txt} recordings: one GenerateContentResponse per line, each the data of one event. */
  static List<SseEvent> lineEvents(String path) {
    List<SseEvent> out = new ArrayList<>();
    for (String line : new String(fixture(path), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) out.add(new SseEvent("", ByteString.fromString("data: " + line).drop(DATA.length())));
    }
    return out;
  }

  /**
   * The recording with its body (from the first to the last event whose data {@code isBody} accepts: the
   * content or argument deltas) replayed in order, round and round, until the whole stream decodes to
   * exactly {@link #CHUNKS} chunks. {@code chunksOf} decodes a whole stream with a new decoder and counts.
   */
  static SseEvent[] lengthened(List<SseEvent> recorded, Predicate<String> isBody, ToIntFunction<List<SseEvent>> chunksOf) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < recorded.size(); i++) {
      if (isBody.test(recorded.get(i).data().utf8String())) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first < 0) throw new IllegalStateException("no body event in the recording");
    List<SseEvent> body = recorded.subList(first, last + 1);
    int aroundBody = chunksOf.applyAsInt(recorded) - body.size(); // each body event yields one chunk
    List<SseEvent> out = new ArrayList<>(recorded.subList(0, first));
    for (int i = 0; i < CHUNKS - aroundBody; i++) out.add(body.get(i % body.size()));
    out.addAll(recorded.subList(last + 1, recorded.size()));
    int chunks = chunksOf.applyAsInt(out);
    if (chunks != CHUNKS) {
      throw new IllegalStateException("the lengthened stream yields " + chunks + " chunks, not " + CHUNKS
          + ": a body event does not yield exactly one chunk");
    }
    return out.toArray(SseEvent[]::new);
  }
}
