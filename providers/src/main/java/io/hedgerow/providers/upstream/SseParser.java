package io.hedgerow.providers.upstream;

import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Cuts SSE bytes into events, fed one network chunk at a time. Accepts LF and CRLF line ends (Google sends
 * CRLF), joins multi-line data, drops comments and unknown fields, and at the end of input flushes a last
 * event that lacks its blank line. A line longer than {@code maxLineBytes} fails the stream: an upstream
 * that never ends its line would otherwise grow the buffer without bound. Single-threaded.
 */
public final class SseParser {
  private final int maxLineBytes;
  private ByteString partial = ByteString.emptyByteString();
  private String event = "";
  private ByteStringBuilder data;

  public SseParser(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Parses {@code bytes}, handing each event it completes to {@code events}. */
  public void feed(ByteString bytes, Consumer<SseEvent> events) {
    ByteString input = partial.isEmpty() ? bytes : partial.concat(bytes);
    int from = 0;
    int lf;
    while ((lf = input.indexOf((byte) '\n', from)) >= 0) {
      int end = lf > from && input.apply(lf - 1) == '\r' ? lf - 1 : lf;
      line(input.slice(from, end), events);
      from = lf + 1;
    }
    partial = from == 0 ? input : input.drop(from);
    if (partial.length() > maxLineBytes) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 0,
          "The upstream sent an event line longer than " + maxLineBytes + " bytes.").exception();
    }
  }

  /** The input ended: a last line without its line end, and a last event without its blank line, still count. */
  public void end(Consumer<SseEvent> events) {
    if (partial.nonEmpty()) {
      ByteString last = partial.apply(partial.length() - 1) == '\r' ? partial.dropRight(1) : partial;
      partial = ByteString.emptyByteString();
      line(last, events);
    }
    line(ByteString.emptyByteString(), events);
  }

  private void line(ByteString line, Consumer<SseEvent> events) {
    if (line.isEmpty()) {
      if (data != null) events.accept(new SseEvent(event, data.result()));
      event = "";
      data = null;
      return;
    }
    if (line.apply(0) == ':') return; // a comment, such as a keep-alive
    int colon = line.indexOf((byte) ':');
    ByteString value = colon < 0 ? ByteString.emptyByteString() : line.drop(colon + 1);
    if (value.nonEmpty() && value.apply(0) == ' ') value = value.drop(1);
    if (isField(line, colon, DATA)) {
      if (data == null) data = new ByteStringBuilder();
      else data.putByte((byte) '\n');
      data.append(value);
    } else if (isField(line, colon, EVENT)) {
      event = value.utf8String();
    }
  }

  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

  private static boolean isField(ByteString line, int colon, byte[] name) {
    int length = colon < 0 ? line.length() : colon;
    if (length != name.length) return false;
    for (int i = 0; i < length; i++) {
      if (line.apply(i) != name[i]) return false;
    }
    return true;
  }
}
