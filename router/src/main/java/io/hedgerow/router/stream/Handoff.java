package io.hedgerow.router.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SinkShape;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Hands a running stream over from the stream that started it (an exchange's attempt) to the one that serves
 * it (the client's response), with no substream between them. The attempt ends in {@link #sink}, which puts
 * elements in a small queue shared with {@link #source}; each side wakes the other only while it waits for
 * it. So the chunks of one upstream read cross in one message, where a substream sends two per chunk (the
 * element, and the demand for the next).
 *
 * <p>{@link #first} completes with the first element (an attempt's first token), empty if the stream ended
 * without any, or failed if it failed first. {@link #source} runs at most once and emits every element, the
 * first included, then ends as the stream did; until it runs, the sink reads ahead at most {@value #CAPACITY}
 * elements. A source not running within the stream subscription timeout after the first element
 * ({@code pekko.stream.materializer.subscription-timeout.timeout}: its answer went to no one) cancels the
 * stream, as a substream would; so does {@link #cancel}, and a source that stops early.
 */
public final class Handoff<T> {
  private static final int CAPACITY = 16;
  private static final String ATTACH_TIMER = "attach";

  private final CompletableFuture<Optional<T>> first = new CompletableFuture<>();
  private final Object lock = new Object();
  // everything below is guarded by lock
  private final ArrayDeque<T> queue = new ArrayDeque<>(4);
  private boolean ended;
  private Throwable failure;
  private boolean cancelled;
  private boolean consumerWaiting;
  /** The sink's, until it stops; a full queue means it waits for this to be invoked. */
  private AsyncCallback<Boolean> wakeProducer;
  /** The source's, from when it runs: set means attached. */
  private AsyncCallback<Boolean> wakeConsumer;

  private Handoff() {}

  /** Where a stream to hand over ends; it materializes the handoff. */
  public static <T> Sink<T, Handoff<T>> sink() {
    return Sink.fromGraph(new Intake<T>());
  }

  /** The first element, or empty when the stream ended without one; failed when it failed first. */
  public CompletionStage<Optional<T>> first() {
    return first;
  }

  /** Every element, the first included, then the stream's end. Runs once; a second run fails. */
  public Source<T, NotUsed> source() {
    return Source.fromGraph(new Outflow());
  }

  /** Nobody will run {@link #source}: stop the stream now. */
  public void cancel() {
    AsyncCallback<Boolean> wake;
    synchronized (lock) {
      cancelled = true;
      queue.clear();
      wake = wakeProducer;
    }
    if (wake != null) wake.invoke(Boolean.TRUE);
  }

  private static final class Intake<T> extends AbstractGraphStageWithMaterializedValue<SinkShape<T>, Handoff<T>> {
    private final Inlet<T> in = Inlet.create("Handoff.in");
    private final SinkShape<T> shape = SinkShape.of(in);

    @Override
    public SinkShape<T> shape() {
      return shape;
    }

    @Override
    public Pair<GraphStageLogic, Handoff<T>> createLogicAndMaterializedValuePair(Attributes attributes) {
      Handoff<T> handoff = new Handoff<>();
      Duration attachTimeout = Duration.ofNanos(
          attributes.getMandatoryAttribute(ActorAttributes.StreamSubscriptionTimeout.class).timeout().toNanos());
      return Pair.create(handoff.intakeLogic(shape, in, attachTimeout), handoff);
    }
  }

  private GraphStageLogic intakeLogic(SinkShape<T> shape, Inlet<T> in, Duration attachTimeout) {
    return new TimerGraphStageLogic(shape) {
      {
        AsyncCallback<Boolean> wake = createAsyncCallback(ignored -> onWake());
        synchronized (lock) {
          wakeProducer = wake;
        }
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            T element = grab(in);
            AsyncCallback<Boolean> wake = null;
            boolean room;
            synchronized (lock) {
              if (cancelled) return;
              queue.add(element);
              if (consumerWaiting) {
                consumerWaiting = false;
                wake = wakeConsumer;
              }
              room = queue.size() < CAPACITY;
            }
            if (!first.isDone()) {
              first.complete(Optional.of(element));
              scheduleOnce(ATTACH_TIMER, attachTimeout);
            }
            if (wake != null) wake.invoke(Boolean.TRUE);
            if (room) pull(in);
          }

          @Override
          public void onUpstreamFinish() {
            end(null);
            completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            end(ex);
            completeStage();
          }
        });
      }

      @Override
      public void preStart() {
        pull(in);
      }

      @Override
      public void postStop() {
        boolean endedNow;
        synchronized (lock) {
          wakeProducer = null;
          endedNow = ended;
        }
        if (!endedNow) end(new AbruptStageTerminationException(this));
      }

      @Override
      public void onTimer(Object key) {
        synchronized (lock) {
          if (wakeConsumer != null) return;
          cancelled = true;
          queue.clear();
        }
        stop(new IllegalStateException("The handed-over stream was not run within " + attachTimeout.toMillis() + " ms."));
      }

      /** The receiving side sees {@code why}; the stream before this sink sees an ordinary cancellation. */
      private void stop(IllegalStateException why) {
        end(why);
        cancel(in);
      }

      /** The consumer made room, or the stream was cancelled. */
      private void onWake() {
        boolean stop;
        boolean room;
        synchronized (lock) {
          stop = cancelled;
          room = queue.size() < CAPACITY;
        }
        if (stop) stop(new IllegalStateException("The handed-over stream was cancelled."));
        else if (room && !isClosed(in) && !hasBeenPulled(in)) pull(in);
      }
    };
  }

  /** The stream ended ({@code failure} null) or failed. */
  private void end(Throwable failure) {
    AsyncCallback<Boolean> wake = null;
    synchronized (lock) {
      if (ended) return;
      ended = true;
      this.failure = failure;
      if (consumerWaiting) {
        consumerWaiting = false;
        wake = wakeConsumer;
      }
    }
    if (failure == null) first.complete(Optional.empty());
    else first.completeExceptionally(failure);
    if (wake != null) wake.invoke(Boolean.TRUE);
  }

  private final class Outflow extends GraphStage<SourceShape<T>> {
    private final Outlet<T> out = Outlet.create("Handoff.out");
    private final SourceShape<T> shape = SourceShape.of(out);

    @Override
    public SourceShape<T> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new GraphStageLogic(shape) {
        /** Taken from the queue, not yet pushed: all the queue held when this side last looked. */
        private final ArrayDeque<T> taken = new ArrayDeque<>(4);
        private final AsyncCallback<Boolean> wake = createAsyncCallback(ignored -> {
          if (isAvailable(out)) deliver();
        });
        private boolean done;

        {
          setHandler(out, new AbstractOutHandler() {
            @Override
            public void onPull() {
              deliver();
            }

            @Override
            public void onDownstreamFinish(Throwable cause) throws Exception {
              stopProducer();
              super.onDownstreamFinish(cause);
            }
          });
        }

        @Override
        public void preStart() {
          synchronized (lock) {
            if (wakeConsumer != null) {
              failStage(new IllegalStateException("A handed-over stream runs only once."));
              done = true;
              return;
            }
            wakeConsumer = wake;
          }
        }

        @Override
        public void postStop() {
          if (!done) stopProducer();
        }

        private void deliver() {
          if (taken.isEmpty()) {
            AsyncCallback<Boolean> wakeIntake = null;
            boolean finished = false;
            Throwable failed = null;
            synchronized (lock) {
              boolean madeRoom = queue.size() >= CAPACITY; // the sink stopped asking at this size
              taken.addAll(queue);
              queue.clear();
              if (taken.isEmpty()) {
                if (ended) {
                  finished = true;
                  failed = failure;
                } else {
                  consumerWaiting = true;
                }
              }
              if (madeRoom) wakeIntake = wakeProducer;
            }
            if (wakeIntake != null) wakeIntake.invoke(Boolean.TRUE);
            if (finished) {
              done = true;
              if (failed == null) completeStage();
              else failStage(failed);
              return;
            }
          }
          if (!taken.isEmpty()) push(out, taken.poll());
        }

        /** The client went away (or the response stopped) first: the attempt stops too. */
        private void stopProducer() {
          done = true;
          Handoff.this.cancel();
        }
      };
    }
  }
}
