package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.UpstreamError;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** What the gateway answers a dispatched request with, once its fate before the first token is known. */
public sealed interface ExchangeReply {
  /**
   * An attempt produced its first token: {@code chunks} starts with it and runs to the end of the answer.
   * {@code hedged} says whether a hedge was started for the request (whichever attempt won).
   */
  record Streaming(String provider, int attempts, boolean hedged, Source<ChatChunk, NotUsed> chunks) implements ExchangeReply {}

  /** Every candidate failed before its first token; {@code error} is the last failure. */
  record Failed(UpstreamError error, int attempts) implements ExchangeReply {}

  record UnknownModel(String model) implements ExchangeReply {}
}
