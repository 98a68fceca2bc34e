package io.hedgerow.providers.upstream;

import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Cuts an upstream SSE byte stream into events. Accepts LF and CRLF framing (Google sends CRLF), joins
 * multi-line data, drops comments, and flushes a last event that lacks its blank line.
 */
public final class SseFraming {
  private static final ByteString LF = ByteString.fromString("\n");
  /** Appended after the last upstream byte so an event missing its closing blank line still ends. */
  private static final ByteString END_OF_INPUT = ByteString.fromString("\n\n");

  private SseFraming() {}

  public static Flow<ByteString, SseEvent, NotUsed> flow(int maxEventBytes) {
    return Flow.<ByteString>create()
        .concat(Source.single(END_OF_INPUT))
        .via(Framing.delimiter(LF, maxEventBytes, FramingTruncation.ALLOW))
        .statefulMapConcat(() -> {
          EventBuilder builder = new EventBuilder();
          return builder::accept;
        });
  }

  /** Accumulates the lines of one event; a blank line (or the end of input, see {@link #flow}) ends it. */
  private static final class EventBuilder {
    private String event = "";
    private ByteStringBuilder data;

    List<SseEvent> accept(ByteString rawLine) {
      ByteString line = rawLine.nonEmpty() && rawLine.apply(rawLine.length() - 1) == '\r'
          ? rawLine.take(rawLine.length() - 1) : rawLine;
      if (line.isEmpty()) {
        if (data == null) {
          event = "";
          return List.of();
        }
        SseEvent e = new SseEvent(event, data.result());
        event = "";
        data = null;
        return List.of(e);
      }
      if (line.apply(0) == ':') return List.of();
      int colon = line.indexOf((byte) ':');
      String field = colon < 0 ? line.utf8String() : line.take(colon).utf8String();
      ByteString value = colon < 0 ? ByteString.emptyByteString() : line.drop(colon + 1);
      if (value.nonEmpty() && value.apply(0) == ' ') value = value.drop(1);
      switch (field) {
        case "data" -> {
          if (data == null) data = new ByteStringBuilder();
          else data.putByte((byte) '\n');
          data.append(value);
        }
        case "event" -> event = value.utf8String();
        default -> { }
      }
      return List.of();
    }
  }
}
