package io.hedgerow.providers.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.hedgerow.providers.chat.json.Json;
import java.io.IOException;
import org.apache.pekko.util.ByteString;

/**
 * One stream's JSON parser, fed one event's bytes after another. A new parser per event cost about 850
 * bytes before reading a token (the parser, its contexts, buffers and symbol table), on every chunk of every
 * stream; Jackson's non-blocking parser instead reads one document after another. Each event's bytes are
 * copied into a buffer kept for the next (they are a view into the bytes read from the connection, which
 * Jackson cannot read in place).
 *
 * <p>Data that does not open a JSON object in UTF-8 (whitespace, then '{') gets a parser of its own, which
 * detects encodings as {@code readTree} does: it is an error or a rarity (a byte order mark, UTF-16). An
 * event that leaves the stream's parser anywhere but right after its object, with only whitespace left
 * (trailing content, which {@code readTree} ignores, a syntax error, a reader that stopped early), drops
 * that parser; the next event starts a new one. Not thread-safe.
 */
final class JsonEventFeed {
  /**
   * The factory of stream parsers, which keep their buffers for a whole stream: they take none from
   * Jackson's per-thread pool, which would then have to allocate for the per-event readers of that thread.
   */
  private static final JsonFactory STREAMS =
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build();
  /** Room for a typical event, so that a stream's first few do not each grow the buffer. */
  private static final int FIRST_BYTES = 512;
  /** A buffer grown past this by a large event is let go after it. */
  private static final int KEPT_BYTES = 64 * 1024;
  private static final byte[] NO_BYTES = {};

  private JsonParser stream;
  private ByteArrayFeeder feeder;
  /** Bytes fed to {@code stream} before the current event: its locations count from its first event. */
  private long eventStart;
  private byte[] bytes = NO_BYTES;
  private int length;
  /** The parser of the current event: {@code stream}, or one of its own. */
  private JsonParser current;

  /** A parser about to read the first token of {@code data}; {@link #close()} it after the event. */
  JsonParser open(ByteString data) throws IOException {
    if (!opensObject(data)) {
      current = data.isCompact() ? Json.FACTORY.createParser(data.toArrayUnsafe()) : Json.FACTORY.createParser(data.asInputStream());
      return current;
    }
    if (stream == null) {
      stream = STREAMS.createNonBlockingByteArrayParser();
      feeder = (ByteArrayFeeder) stream.getNonBlockingInputFeeder();
      eventStart = 0;
    } else {
      eventStart += length;
    }
    length = data.length();
    if (bytes.length < length) bytes = new byte[Math.max(length, Math.max(2 * bytes.length, FIRST_BYTES))];
    data.copyToArray(bytes, 0, length);
    feeder.feedInput(bytes, 0, length);
    current = stream;
    return current;
  }

  /** Done with the current event. */
  void close() {
    if (current == null) return;
    if (current != stream) {
      closeQuietly(current);
    } else if (!endsCleanly()) {
      end();
    }
    current = null;
    if (bytes.length > KEPT_BYTES) bytes = NO_BYTES;
  }

  /** The stream ended: closes its parser, handing Jackson's shared table the field names it learnt. */
  void end() {
    closeQuietly(stream);
    stream = null;
    feeder = null;
    length = 0;
  }

  /** True when the stream's parser stopped right after the event's object and took all of it, whitespace aside. */
  private boolean endsCleanly() {
    try {
      if (stream.currentToken() != JsonToken.END_OBJECT || !stream.getParsingContext().inRoot()) return false;
      if (feeder.needMoreInput()) return true;
      for (long i = stream.currentLocation().getByteOffset() - eventStart; i < length; i++) {
        byte b = bytes[(int) i];
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') return false;
      }
      return stream.nextToken() == JsonToken.NOT_AVAILABLE && feeder.needMoreInput(); // takes the whitespace
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * True when the data starts, after JSON whitespace, with '{' in UTF-8; UTF-16 and UTF-32 would put a zero
   * byte before or after it.
   */
  private static boolean opensObject(ByteString data) {
    int n = data.length();
    for (int i = 0; i < n; i++) {
      byte b = data.apply(i);
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') continue;
      return b == '{' && (i + 1 == n || data.apply(i + 1) != 0);
    }
    return false;
  }

  private static void closeQuietly(JsonParser p) {
    if (p == null) return;
    try {
      p.close();
    } catch (IOException e) {
      // nothing to release that closing did not already
    }
  }
}
