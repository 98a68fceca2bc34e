package io.hedgerow.providers.upstream;

import java.util.ArrayDeque;
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
 * An upstream SSE byte stream as events ({@link SseParser}), in one stage. A byte stream that breaks
 * fails as an {@link UpstreamException} (a dropped connection, say), so adapters see only classified errors.
 */
public final class SseFraming extends GraphStage<FlowShape<ByteString, SseEvent>> {
  private final Inlet<ByteString> in = Inlet.create("SseFraming.in");
  private final Outlet<SseEvent> out = Outlet.create("SseFraming.out");
  private final FlowShape<ByteString, SseEvent> shape = FlowShape.of(in, out);
  private final int maxLineBytes;

  private SseFraming(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Events of at most {@code maxLineBytes} per line (a whole {@code data:} line is usually the whole event). */
  public static SseFraming flow(int maxLineBytes) {
    return new SseFraming(maxLineBytes);
  }

  @Override
  public FlowShape<ByteString, SseEvent> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final SseParser parser = new SseParser(maxLineBytes);
      private final ArrayDeque<SseEvent> ready = new ArrayDeque<>(4);
      private boolean upstreamDone;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            parser.feed(grab(in), ready::add);
            deliver();
          }

          @Override
          public void onUpstreamFinish() {
            upstreamDone = true;
            parser.end(ready::add);
            if (isAvailable(out)) deliver();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            failStage(UpstreamClient.asUpstream(ex));
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            deliver();
          }
        });
      }

      /** Pushes the next ready event, or asks for more bytes, or ends once all is out. */
      private void deliver() {
        if (!ready.isEmpty()) {
          if (isAvailable(out)) push(out, ready.poll());
          if (upstreamDone && ready.isEmpty()) completeStage();
        } else if (upstreamDone) {
          completeStage();
        } else if (!hasBeenPulled(in)) {
          pull(in);
        }
      }
    };
  }
}
