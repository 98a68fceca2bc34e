package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.stream.HeadFirst;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** What the gateway answers a dispatched request with, once its fate before the first token is known. */
public sealed interface ExchangeReply {
  /**
   * An attempt produced its first token: {@code head} holds the chunks received so far, starting with it,
   * and {@code tail} the rest of the answer, already running (so it must be consumed or cancelled).
   * {@code hedged} says whether a hedge was started for the request (whichever attempt won).
   */
  record Streaming(String provider, int attempts, boolean hedged, List<ChatChunk> head, Source<ChatChunk, NotUsed> tail)
      implements ExchangeReply {

    /** The whole answer as one source: the head, then the tail, whose failure is raised only after the head. */
    public Source<ChatChunk, NotUsed> chunks() {
      return tail.via(new HeadFirst<>(head));
    }
  }

  /** A plain request on a route that does not hedge, answered by one plain upstream call. */
  record Completed(String provider, int attempts, ChatCompletion completion) implements ExchangeReply {}

  /** Every candidate failed before its first token; {@code error} is the last failure. */
  record Failed(UpstreamError error, int attempts) implements ExchangeReply {}

  record UnknownModel(String model) implements ExchangeReply {}
}
