package io.hedgerow.router.stream;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.router.actor.Outcome;
import java.time.Duration;
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

/**
 * Watches one attempt's chunks pass by and reports exactly once how the attempt ended: completed (with
 * time to first token, latency, usage), failed (with its class), or cancelled downstream. This is how
 * permits come back on every path, a client that went away included, with no message per chunk.
 */
public final class AttemptMonitor extends GraphStage<FlowShape<ChatChunk, ChatChunk>> {
  private final Inlet<ChatChunk> in = Inlet.create("AttemptMonitor.in");
  private final Outlet<ChatChunk> out = Outlet.create("AttemptMonitor.out");
  private final FlowShape<ChatChunk, ChatChunk> shape = FlowShape.of(in, out);
  private final Consumer<Outcome> report;

  public AttemptMonitor(Consumer<Outcome> report) {
    this.report = report;
  }

  @Override
  public FlowShape<ChatChunk, ChatChunk> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final long started = System.nanoTime();
      private long firstToken = -1;
      private Usage usage;
      private boolean reported;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ChatChunk chunk = grab(in);
            if (firstToken < 0 && chunk.isDecisive()) firstToken = System.nanoTime();
            if (chunk.usage().isPresent()) usage = chunk.usage().get();
            push(out, chunk);
          }

          @Override
          public void onUpstreamFinish() {
            once(new Outcome.Succeeded(elapsed(), firstToken < 0 ? Optional.empty()
                : Optional.of(Duration.ofNanos(firstToken - started)), Optional.ofNullable(usage)));
            completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            once(new Outcome.Failed(UpstreamClient.asUpstream(ex).error().errorClass(), elapsed()));
            failStage(ex);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) throws Exception {
            once(new Outcome.Cancelled(elapsed()));
            super.onDownstreamFinish(cause);
          }
        });
      }

      @Override
      public void postStop() {
        once(new Outcome.Cancelled(elapsed())); // torn down without a signal: abrupt termination
      }

      private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
      }

      private void once(Outcome outcome) {
        if (!reported) {
          reported = true;
          report.accept(outcome);
        }
      }
    };
  }
}
