package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.upstream.UpstreamError;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** What the gateway answers a dispatched request with, once its fate before the first token is known. */
public sealed interface ExchangeReply {
  /**
   * An attempt produced its first token: {@code chunks} is the whole answer from it on, already running (so it
   * must be run or left to its subscription timeout). A failure after the first token is raised only after
   * the chunks that came before it. {@code hedged} says whether a hedge was started for the request
   * (whichever attempt won).
   */
  record Streaming(String provider, int attempts, boolean hedged, Source<ChatChunk, NotUsed> chunks)
      implements ExchangeReply {}

  /** A plain request on a route that does not hedge, answered by one plain upstream call. */
  record Completed(String provider, int attempts, ChatCompletion completion) implements ExchangeReply {}

  /** Every candidate failed before its first token; {@code error} is the last failure. */
  record Failed(UpstreamError error, int attempts) implements ExchangeReply {}

  record UnknownModel(String model) implements ExchangeReply {}
}
