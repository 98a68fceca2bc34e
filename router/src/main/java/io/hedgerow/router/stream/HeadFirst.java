package io.hedgerow.router.stream;

import java.util.List;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Emits {@code head}, then whatever comes from upstream. An upstream that ends or fails before the head is
 * out waits for it: a tail that breaks right after the first token still delivers the token first (a plain
 * {@code concat} would fail at once and lose it). The upstream is connected at once, so a client that goes
 * away still cancels it at once.
 */
public final class HeadFirst<T> extends GraphStage<FlowShape<T, T>> {
  private final Inlet<T> in = Inlet.create("HeadFirst.in");
  private final Outlet<T> out = Outlet.create("HeadFirst.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final List<T> head;

  public HeadFirst(List<T> head) {
    this.head = List.copyOf(head);
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private int next;
      private boolean upstreamDone;
      private Throwable upstreamFailure;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            push(out, grab(in));
          }

          @Override
          public void onUpstreamFinish() {
            if (next < head.size()) upstreamDone = true;
            else completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            if (next < head.size()) upstreamFailure = ex;
            else failStage(ex);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            if (next < head.size()) push(out, head.get(next++));
            else if (upstreamFailure != null) failStage(upstreamFailure);
            else if (upstreamDone) completeStage();
            else pull(in);
          }
        });
      }
    };
  }
}
