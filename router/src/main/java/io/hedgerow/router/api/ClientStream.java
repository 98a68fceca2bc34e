package io.hedgerow.router.api;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.chat.json.ChatChunkWriter;
import io.hedgerow.providers.upstream.UpstreamClient;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Turns the winning attempt's chunks into the SSE body an OpenAI client reads: usage only when asked
 * for and then as its own last chunk with {@code choices: []}, {@code data: [DONE]} at the end, and an
 * upstream failure after the first token as a final {@code data: {"error":…}} frame, never a silent cut.
 * It tells {@code onEnd} once how the body ended.
 */
public final class ClientStream extends GraphStage<FlowShape<ChatChunk, ByteString>> {
  private static final ByteString DONE = ByteString.fromString("data: [DONE]\n\n");

  /** How a client's stream ended. */
  public enum End {
    /** Every chunk, then {@code [DONE]}. */
    COMPLETED,
    /** The upstream broke after the first token: an error frame instead of {@code [DONE]}. */
    FAILED_MID_STREAM,
    /** The client went away (or the connection broke) first. */
    CLIENT_GONE
  }

  private final Inlet<ChatChunk> in = Inlet.create("ClientStream.in");
  private final Outlet<ByteString> out = Outlet.create("ClientStream.out");
  private final FlowShape<ChatChunk, ByteString> shape = FlowShape.of(in, out);
  private final boolean includeUsage;
  private final OpenStreams openStreams;
  private final Consumer<End> onEnd;

  /** The body counts among {@code openStreams} from when it starts until it ends, however it ends. */
  public ClientStream(boolean includeUsage, OpenStreams openStreams, Consumer<End> onEnd) {
    this.includeUsage = includeUsage;
    this.openStreams = openStreams;
    this.onEnd = onEnd;
  }

  @Override
  public FlowShape<ChatChunk, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private String id;
      private long created;
      private String model;
      private Usage usage;
      private End end = End.CLIENT_GONE;
      private Runnable close;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString frame = frame(grab(in));
            if (frame.isEmpty()) pull(in);
            else push(out, frame);
          }

          @Override
          public void onUpstreamFinish() {
            emit(out, closing(), () -> finish(End.COMPLETED));
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            emit(out, ClientError.upstream(UpstreamClient.asUpstream(ex).error()).sseFrame(), () -> finish(End.FAILED_MID_STREAM));
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }

      @Override
      public void preStart() {
        close = openStreams.open();
      }

      @Override
      public void postStop() {
        if (close != null) close.run();
        onEnd.accept(end);
      }

      private void finish(End how) {
        end = how;
        completeStage();
      }

      /** One chunk's frame, holding usage back to send once, last, before {@code [DONE]}; empty for nothing to send. */
      private ByteString frame(ChatChunk c) {
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
      private ByteString closing() {
        if (!includeUsage || usage == null) return DONE;
        return ByteString.fromArrayUnsafe(ChatChunkWriter.sseFrame(ChatChunk.usage(id, created, model, usage), true)).concat(DONE);
      }
    };
  }
}
