package io.hedgerow.router.stream;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.config.AttemptTimeouts;
import java.time.Duration;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Fails an attempt with a {@link ErrorClass#TIMEOUT} when it misses one of its deadlines: no first token
 * (a decisive chunk) within {@code first-token}, no chunk at all for {@code idle}, or no end within
 * {@code total}. One stage for the three, rather than Pekko's three timeout stages and their error
 * mappings, because every attempt pays for each stage it has.
 */
public final class AttemptDeadlines extends GraphStage<FlowShape<ChatChunk, ChatChunk>> {
  private static final Duration MIN_IDLE_CHECK = Duration.ofMillis(100);

  private final Inlet<ChatChunk> in = Inlet.create("AttemptDeadlines.in");
  private final Outlet<ChatChunk> out = Outlet.create("AttemptDeadlines.out");
  private final FlowShape<ChatChunk, ChatChunk> shape = FlowShape.of(in, out);
  private final AttemptTimeouts timeouts;

  private enum Deadline { FIRST_TOKEN, IDLE_CHECK, TOTAL }

  public AttemptDeadlines(AttemptTimeouts timeouts) {
    this.timeouts = timeouts;
  }

  @Override
  public FlowShape<ChatChunk, ChatChunk> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private final long idleNanos = timeouts.idle().toNanos();
      private long lastChunk = System.nanoTime();
      private boolean tokenSeen;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ChatChunk chunk = grab(in);
            lastChunk = System.nanoTime();
            if (!tokenSeen && chunk.isDecisive()) {
              tokenSeen = true;
              cancelTimer(Deadline.FIRST_TOKEN);
            }
            push(out, chunk);
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
        scheduleOnce(Deadline.FIRST_TOKEN, timeouts.firstToken());
        scheduleOnce(Deadline.TOTAL, timeouts.total());
        Duration check = idleCheckInterval(timeouts.idle());
        scheduleWithFixedDelay(Deadline.IDLE_CHECK, check, check);
      }

      @Override
      public void onTimer(Object key) {
        switch ((Deadline) key) {
          case FIRST_TOKEN -> failStage(timeout("sent no first token within " + human(timeouts.firstToken())));
          case TOTAL -> failStage(timeout("did not finish within " + human(timeouts.total())));
          case IDLE_CHECK -> {
            if (System.nanoTime() - lastChunk >= idleNanos) failStage(timeout("sent nothing for " + human(timeouts.idle())));
          }
        }
      }
    };
  }

  /** As Pekko's own idle timeout checks: an eighth of the timeout, at least 100 ms, at most half of it. */
  private static Duration idleCheckInterval(Duration idle) {
    Duration eighth = idle.dividedBy(8);
    Duration atLeast = eighth.compareTo(MIN_IDLE_CHECK) > 0 ? eighth : MIN_IDLE_CHECK;
    Duration half = idle.dividedBy(2);
    return atLeast.compareTo(half) < 0 ? atLeast : half;
  }

  /**
   * The one deadline of a plain (unstreamed) attempt, whose answer arrives all at once: the shortest of
   * the three, since its first token, its first byte and its end come together.
   */
  public static Duration forWholeAnswer(AttemptTimeouts t) {
    Duration d = t.firstToken();
    if (t.idle().compareTo(d) < 0) d = t.idle();
    if (t.total().compareTo(d) < 0) d = t.total();
    return d;
  }

  /** What a plain attempt that missed {@link #forWholeAnswer} fails with. */
  public static UpstreamError missedWholeAnswer(AttemptTimeouts t) {
    return UpstreamError.of(ErrorClass.TIMEOUT, 0, "The upstream did not answer within " + human(forWholeAnswer(t)) + ".");
  }

  private static Throwable timeout(String what) {
    return UpstreamError.of(ErrorClass.TIMEOUT, 0, "The upstream " + what + ".").exception();
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
