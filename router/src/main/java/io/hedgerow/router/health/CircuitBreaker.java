package io.hedgerow.router.health;

import io.hedgerow.providers.upstream.ErrorClass;
import java.time.Duration;
import java.util.Map;

/**
 * A provider's circuit: closed until consecutive failures or the error rate over the window trip it;
 * open for the cool-down; then half-open, letting a few probe attempts through, closing once they all
 * succeed and reopening at the first that fails. An attempt's verdict counts only in the state it was
 * admitted under (its {@link Ticket}), so late answers from before a transition change nothing.
 * Not thread-safe; clock-free: every call says what time it is, in nanoseconds.
 */
public final class CircuitBreaker {

  public enum State { CLOSED, HALF_OPEN, OPEN }

  /** What an attempt's outcome says about the provider. */
  public enum Verdict {
    SUCCESS, FAILURE, NEUTRAL;

    /**
     * Failures that say the provider cannot serve count against its circuit; a 429 cools it down instead,
     * and the client's own mistakes (bad request, context length, content filter) say nothing about it.
     */
    public static Verdict of(ErrorClass c) {
      return switch (c) {
        case SERVER_ERROR, CONNECTION, TIMEOUT, OVERLOADED, AUTH, NOT_FOUND -> FAILURE;
        case RATE_LIMITED, BAD_REQUEST, CONTEXT_LENGTH, CONTENT_FILTER -> NEUTRAL;
      };
    }
  }

  /** Issued at admission; {@code probe} when the attempt tests a circuit that is not closed. */
  public record Ticket(long epoch, boolean probe) {}

  private static final int WINDOW_SLICES = 10;
  private static final String SUCCESS = "success";
  private static final String FAILURE = "failure";

  private final BreakerSettings settings;
  private State state = State.CLOSED;
  private long epoch;
  private int consecutiveFailures;
  private RollingCounts window;
  private long openUntil;
  private int probesInFlight;
  private int probeSuccesses;

  public CircuitBreaker(BreakerSettings settings, long now) {
    this.settings = settings;
    this.window = new RollingCounts(settings.window(), WINDOW_SLICES, now);
  }

  public State state(long now) {
    if (state == State.OPEN && now - openUntil >= 0) enter(State.HALF_OPEN, now);
    return state;
  }

  /** True when an ordinary attempt may start: closed, or half-open with a probe slot free. */
  public boolean admits(long now) {
    return switch (state(now)) {
      case CLOSED -> true;
      case HALF_OPEN -> probesInFlight < settings.halfOpenProbes();
      case OPEN -> false;
    };
  }

  /**
   * Lets one attempt in: a probe when the circuit is not closed. Callers check {@link #admits} first,
   * unless they force their way through an open circuit (every candidate was open: the one whose
   * cool-down ends first is tried anyway); a forced attempt's verdict counts as a probe's.
   */
  public Ticket admit(long now) {
    State s = state(now);
    if (s == State.CLOSED) return new Ticket(epoch, false);
    if (s == State.HALF_OPEN) probesInFlight++;
    return new Ticket(epoch, true);
  }

  public void record(Ticket ticket, Verdict verdict, long now) {
    State s = state(now);
    if (ticket.epoch() != epoch) return;
    switch (s) {
      case CLOSED -> recordClosed(verdict, now);
      case HALF_OPEN -> {
        probesInFlight = Math.max(0, probesInFlight - 1);
        if (verdict == Verdict.SUCCESS && ++probeSuccesses >= settings.halfOpenProbes()) enter(State.CLOSED, now);
        else if (verdict == Verdict.FAILURE) open(now);
      }
      case OPEN -> { // a forced attempt: its answer is as good as a probe's
        if (verdict == Verdict.SUCCESS) {
          enter(State.HALF_OPEN, now);
          if (++probeSuccesses >= settings.halfOpenProbes()) enter(State.CLOSED, now);
        } else if (verdict == Verdict.FAILURE) {
          open(now);
        }
      }
    }
  }

  private void recordClosed(Verdict verdict, long now) {
    if (verdict == Verdict.SUCCESS) {
      consecutiveFailures = 0;
      window.add(SUCCESS, now);
    } else if (verdict == Verdict.FAILURE) {
      consecutiveFailures++;
      window.add(FAILURE, now);
      if (consecutiveFailures >= settings.consecutiveFailures() || errorRateTripped(now)) open(now);
    }
  }

  private boolean errorRateTripped(long now) {
    Map<String, Long> counts = window.totals(now);
    long failures = counts.getOrDefault(FAILURE, 0L);
    long calls = failures + counts.getOrDefault(SUCCESS, 0L);
    return calls >= settings.minRequests() && (double) failures / calls >= settings.errorRate();
  }

  /** How long until an open circuit turns half-open; zero when it is not open. */
  public Duration untilHalfOpen(long now) {
    return state(now) == State.OPEN ? Duration.ofNanos(openUntil - now) : Duration.ZERO;
  }

  private void open(long now) {
    enter(State.OPEN, now);
    openUntil = now + settings.coolDown().toNanos();
  }

  private void enter(State next, long now) {
    state = next;
    epoch++;
    probesInFlight = 0;
    probeSuccesses = 0;
    consecutiveFailures = 0;
    if (next == State.CLOSED) window = new RollingCounts(settings.window(), WINDOW_SLICES, now);
  }
}
