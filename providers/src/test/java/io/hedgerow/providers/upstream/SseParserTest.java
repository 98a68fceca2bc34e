package io.hedgerow.providers.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class SseParserTest {

  /** Feeds {@code text} cut into pieces of {@code piece} bytes, then ends the input. */
  private static List<String> parse(String text, int piece) {
    SseParser parser = new SseParser(1 << 16);
    List<String> events = new ArrayList<>();
    ByteString bytes = ByteString.fromString(text);
    for (int i = 0; i < bytes.length(); i += piece) {
      parser.feed(bytes.slice(i, Math.min(bytes.length(), i + piece)), e -> events.add(e.event() + "|" + e.data().utf8String()));
    }
    parser.end(e -> events.add(e.event() + "|" + e.data().utf8String()));
    return events;
  }

  @Test
  void cutsEventsAtBlankLinesWhateverTheNetworkChunksAre() {
    String stream = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
    for (int piece = 1; piece <= stream.length(); piece++) {
      assertEquals(List.of("|{\"a\":1}", "|{\"b\":2}", "|[DONE]"), parse(stream, piece), "pieces of " + piece);
    }
  }

  @Test
  void acceptsCrLfLineEndsEvenWhenTheCrAndLfArriveApart() {
    String stream = "event: message_start\r\ndata: x\r\n\r\ndata: y\r\n\r\n";
    for (int piece = 1; piece <= stream.length(); piece++) {
      assertEquals(List.of("message_start|x", "|y"), parse(stream, piece), "pieces of " + piece);
    }
  }

  @Test
  void joinsDataLinesAndDropsCommentsAndUnknownFields() {
    assertEquals(List.of("ping|one\ntwo"), parse(": keep-alive\nid: 7\nretry: 10\nevent: ping\ndata: one\ndata:two\n\n", 5));
  }

  @Test
  void blankLinesWithoutDataMakeNoEventAndForgetTheEventName() {
    assertEquals(List.of("|z"), parse("event: lonely\n\n\n\ndata: z\n\n", 3));
  }

  @Test
  void aLastEventWithoutItsBlankLineOrLineEndStillCounts() {
    assertEquals(List.of("|a", "|tail"), parse("data: a\n\ndata: tail", 4));
    assertEquals(List.of("|tail"), parse("data: tail\r", 64));
  }

  @Test
  void aLineLongerThanTheLimitFailsAsAnUpstreamError() {
    SseParser parser = new SseParser(16);
    parser.feed(ByteString.fromString("data: short\n"), e -> { });
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> parser.feed(ByteString.fromString("data: " + "x".repeat(32)), ev -> { }));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }
}
