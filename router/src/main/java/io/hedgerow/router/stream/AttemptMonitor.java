package io.hedgerow.router.stream;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
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
 * time to first token, latency, usage), failed (with its class; an answer with no token at all is a
 * failure), cancelled downstream, or cancelled as a hedge that lost the race ({@link HedgeLost}). This is how
 * permits come back on every path, a client that went away included, with no message per chunk.
 */
public final class AttemptMonitor extends GraphStage<FlowShape<ChatChunk, ChatChunk>> {
  private final Inlet<ChatChunk> in = Inlet.create("AttemptMonitor.in");
  private final Outlet<ChatChunk> out = Outlet.create("AttemptMonitor.out");
  private final FlowShape<ChatChunk, ChatChunk> shape = FlowShape.of(in, out);
  private final Consumer<Outcome> report;
  private final Runnable onFirstToken;

  public AttemptMonitor(Consumer<Outcome> report) {
    this(report, () -> { });
  }

  /** {@code onFirstToken} runs once, when the first decisive chunk passes. */
  public AttemptMonitor(Consumer<Outcome> report, Runnable onFirstToken) {
    this.report = report;
    this.onFirstToken = onFirstToken;
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
            if (firstToken < 0 && chunk.isDecisive()) {
              firstToken = System.nanoTime();
              onFirstToken.run();
            }
            if (chunk.usage().isPresent()) usage = chunk.usage().get();
            push(out, chunk);
          }

          @Override
          public void onUpstreamFinish() {
            if (firstToken < 0) {
              // no token and no finish reason: the exchange fails over, and health must agree it failed
              once(new Outcome.Failed(ErrorClass.SERVER_ERROR, elapsed()));
            } else {
              once(new Outcome.Succeeded(elapsed(), Optional.of(Duration.ofNanos(firstToken - started)),
                  Optional.ofNullable(usage)));
            }
            completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            if (ex instanceof HedgeLost) {
              once(new Outcome.Cancelled(elapsed(), true));
              failStage(ex);
              return;
            }
            UpstreamError error = UpstreamClient.asUpstream(ex).error();
            once(new Outcome.Failed(error.errorClass(), elapsed(), error.retryAfter()));
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
