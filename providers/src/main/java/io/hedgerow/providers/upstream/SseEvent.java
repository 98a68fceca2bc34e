package io.hedgerow.providers.upstream;

import org.apache.pekko.util.ByteString;

/** One server-sent event: its {@code event:} name ("" when absent) and its {@code data:} lines joined. */
public record SseEvent(String event, ByteString data) {
  public boolean isDone() {
    return data.length() == 6 && data.utf8String().equals("[DONE]");
  }
}
