package io.hedgerow.router.api;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.chat.json.ChatChunkWriter;
import io.hedgerow.providers.upstream.UpstreamClient;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Turns the winning attempt's chunks into the SSE body an OpenAI client reads: usage only when asked
 * for and then as its own last chunk with {@code choices: []}, {@code data: [DONE]} at the end, and an
 * upstream failure after the first token as a final {@code data: {"error":…}} frame, never a silent cut.
 */
public final class ClientStream {
  private static final ByteString DONE = ByteString.fromString("data: [DONE]\n\n");

  private ClientStream() {}

  public static Source<ByteString, NotUsed> sse(Source<ChatChunk, NotUsed> chunks, boolean includeUsage) {
    // Not statefulMap: its completion hook runs on failure too, which would put [DONE] before the error
    // frame, and a client stops reading at [DONE]. concatLazy runs the closing only after a complete stream.
    return Source.lazySource(() -> {
          UsageSeen seen = new UsageSeen();
          return chunks.map(c -> seen.frame(c, includeUsage))
              .concatLazy(Source.lazySource(() -> Source.single(seen.closing(includeUsage))));
        })
        .mapMaterializedValue(m -> NotUsed.notUsed())
        .filter(ByteString::nonEmpty)
        .recover(new PFBuilder<Throwable, ByteString>()
            .match(Throwable.class, e -> ClientError.upstream(UpstreamClient.asUpstream(e).error()).sseFrame())
            .build());
  }

  /** Writes each chunk's frame, holding back usage to send once, last, before {@code [DONE]}. */
  private static final class UsageSeen {
    private String id;
    private long created;
    private String model;
    private Usage usage;

    ByteString frame(ChatChunk c, boolean includeUsage) {
      if (c.usage().isPresent()) {
        id = c.id();
        created = c.created();
        model = c.model();
        usage = c.usage().get();
      }
      if (c.choices().isEmpty()) return ByteString.emptyByteString();
      ChatChunk plain = c.usage().isPresent() ? new ChatChunk(c.id(), c.created(), c.model(), c.choices(), Optional.empty()) : c;
      return ByteString.fromArrayUnsafe(ChatChunkWriter.sseFrame(plain, includeUsage));
    }

    /** What ends a complete stream: the usage chunk when asked for, then {@code [DONE]}. */
    ByteString closing(boolean includeUsage) {
      if (!includeUsage || usage == null) return DONE;
      return ByteString.fromArrayUnsafe(ChatChunkWriter.sseFrame(ChatChunk.usage(id, created, model, usage), true)).concat(DONE);
    }
  }
}
