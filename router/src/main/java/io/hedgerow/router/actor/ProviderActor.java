package io.hedgerow.router.actor;

import io.hedgerow.router.actor.ProviderLedger.Decision;
import io.hedgerow.router.actor.ProviderLedger.Lease;
import io.hedgerow.router.actor.ProviderLedger.Settlement;
import io.hedgerow.router.actor.ProviderLedger.Wait;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.health.CircuitBreaker;
import io.hedgerow.router.limits.RateLimitSignals;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The single owner of what Hedgerow knows about one provider deployment: its limits (request and token
 * buckets, concurrency, a bounded queue of requests waiting for capacity), its health (rolling latency
 * and time-to-first-token histograms, errors by class, the circuit breaker, cool-downs the provider asks
 * for) and its metrics. It hands out permits and hears how each attempt ended.
 *
 * <p>The decisions and the books are its {@link ProviderLedger}'s; the actor holds the queue, the time and
 * the timers, logs, tells the cluster when the provider becomes unavailable, and replies. Time comes from
 * an injected nanosecond clock and every deadline is a keyed timer, so tests drive refills, cool-downs and
 * queue deadlines with manual time.
 */
public final class ProviderActor extends AbstractBehavior<ProviderActor.Command> {

  public sealed interface Command {}

  /** Asks for leave to start one attempt; answered with {@link Granted} or {@link Rejected}. */
  public record Acquire(ActorRef<AcquireReply> replyTo, Admission admission) implements Command {
    /** Asks for a slot now, reserving no tokens and not waiting. */
    public Acquire(ActorRef<AcquireReply> replyTo) {
      this(replyTo, Admission.immediate());
    }
  }

  /** Returns a permit with the attempt's outcome. */
  public record Release(long permitId, Outcome outcome) implements Command {}

  /** The attempt holding this permit produced its first token. */
  public record FirstTokenSeen(long permitId) implements Command {}

  /** Rate-limit headers the provider sent on a response. */
  public record LearnedLimits(RateLimitSignals signals) implements Command {}

  public record GetSnapshot(ActorRef<ProviderSnapshot> replyTo) implements Command {}

  /** Asks for the time to first token at a percentile (0–100) over the health window. */
  public record GetTtftPercentile(double percentile, ActorRef<TtftPercentile> replyTo) implements Command {}

  /**
   * This node now carries {@code share} (0–1] of the provider's configured limits, e.g. 1/3 on a
   * three-node cluster: the buckets keep their fill ratio and the concurrency cap scales (never below 1).
   */
  public record ApplyShare(double share) implements Command {}

  /**
   * Another node found the provider unavailable (its circuit opened, or it asked for a cool-down) until
   * {@code untilEpochMillis}: this node turns ordinary traffic away with {@code reason} until then too.
   */
  public record RemoteUnavailable(long untilEpochMillis, RejectReason reason) implements Command {}

  /**
   * Published on the system's event stream when this node finds the provider unavailable (its circuit
   * opened or it started a cool-down), for the cluster's shared health to spread.
   */
  public record Unavailable(String provider, long untilEpochMillis, RejectReason reason) {}

  /** A queued request's wait is over; also its timer's key. */
  private record QueueDeadline(long waiterId) implements Command {}

  /** A timer for a moment the provider's availability may change: a bucket refilled, a cool-down or an open circuit ended. */
  private enum Recheck implements Command { CAPACITY, COOL_DOWN, CIRCUIT, REMOTE }

  public sealed interface AcquireReply {}

  public record Granted(Permit permit) implements AcquireReply {}

  /**
   * Not now; {@code retryAfter} is when this provider expects capacity, a closing circuit or the end of a
   * cool-down. Also one of its {@link ProviderLedger}'s decisions: the ledger's rejection is the reply.
   */
  public record Rejected(String provider, RejectReason reason, Optional<Duration> retryAfter)
      implements AcquireReply, ProviderLedger.Decision {}

  public enum RejectReason {
    /** At its concurrency limit. */
    CAPACITY,
    /** A requests- or tokens-per-minute bucket is short. */
    RATE_LIMITED,
    /** The circuit is open, or half-open with every probe slot taken. */
    CIRCUIT_OPEN,
    /** The provider asked to be left alone (Retry-After). */
    COOLING_DOWN,
    QUEUE_FULL,
    QUEUE_TIMEOUT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The provider's time to first token at {@code percentile}, from {@code samples} answers (zero when none). */
  public record TtftPercentile(String provider, double percentile, long samples, Duration value) {}

  public static Behavior<Command> create(ProviderConfig config) {
    return create(config, ProviderMetrics.OFF, System::nanoTime);
  }

  /** {@code clock} is in nanoseconds, like {@link System#nanoTime}; tests pass one they move with manual time. */
  public static Behavior<Command> create(ProviderConfig config, ProviderMetrics metrics, LongSupplier clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ProviderActor(ctx, timers, config, metrics, clock)));
  }

  private static final Duration SOONEST_RECHECK = Duration.ofMillis(1);

  private final TimerScheduler<Command> timers;
  private final String name;
  private final ProviderMetrics metrics;
  private final LongSupplier clock;
  private final ProviderLedger ledger;
  private final LinkedHashMap<Long, Waiter> queue = new LinkedHashMap<>();
  private CircuitBreaker.State publishedState = CircuitBreaker.State.CLOSED;
  private long nextWaiterId = 1;

  private ProviderActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, ProviderConfig config,
      ProviderMetrics metrics, LongSupplier clock) {
    super(ctx);
    this.timers = timers;
    this.name = config.name();
    this.metrics = metrics;
    this.clock = clock;
    this.ledger = new ProviderLedger(config, metrics, clock.getAsLong());
  }

  /** A request waiting for capacity. */
  private record Waiter(long id, ActorRef<AcquireReply> replyTo, Admission admission, long since) {}

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(FirstTokenSeen.class, this::onFirstTokenSeen)
        .onMessage(LearnedLimits.class, this::onLearnedLimits)
        .onMessage(QueueDeadline.class, this::onQueueDeadline)
        .onMessage(Recheck.class, this::onRecheck)
        .onMessage(ApplyShare.class, this::onApplyShare)
        .onMessage(RemoteUnavailable.class, this::onRemoteUnavailable)
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .onMessage(GetTtftPercentile.class, this::onGetTtftPercentile)
        .build();
  }

  // ---- admission and the queue

  private Behavior<Command> onAcquire(Acquire msg) {
    long now = clock.getAsLong();
    publishState(now);
    Decision decision = ledger.decide(msg.admission(), queue.size(), now);
    if (decision instanceof Lease lease) grant(msg.replyTo(), lease);
    else if (decision instanceof Rejected rejected) msg.replyTo().tell(rejected);
    else enqueue(msg.replyTo(), msg.admission(), now);
    return this;
  }

  private void grant(ActorRef<AcquireReply> replyTo, Lease lease) {
    replyTo.tell(new Granted(new Permit(name, lease.id(), getContext().getSelf(), lease.firstTokenDeadline())));
  }

  private void enqueue(ActorRef<AcquireReply> replyTo, Admission a, long now) {
    long id = nextWaiterId++;
    queue.put(id, new Waiter(id, replyTo, a, now));
    timers.startSingleTimer(new QueueDeadline(id), new QueueDeadline(id), a.maxWait());
    serveQueue(now);
  }

  /** Grants waiting requests in arrival order while there is capacity; arms a timer for the next refill. */
  private void serveQueue(long now) {
    while (!queue.isEmpty()) {
      Waiter w = queue.values().iterator().next();
      publishState(now);
      Decision decision = ledger.decide(w.admission(), 0, now);
      if (decision instanceof Lease lease) {
        dequeue(w);
        metrics.queueWait(lease.model(), Duration.ofNanos(now - w.since()));
        grant(w.replyTo(), lease);
      } else if (decision instanceof Rejected rejected) { // closed since it queued: circuit, cool-down, another node
        dequeue(w);
        w.replyTo().tell(rejected);
      } else {
        ledger.refillIn((Wait) decision, w.admission(), now).ifPresent(d ->
            timers.startSingleTimer(Recheck.CAPACITY, Recheck.CAPACITY, max(d, SOONEST_RECHECK)));
        return;
      }
    }
  }

  private void dequeue(Waiter w) {
    queue.remove(w.id());
    timers.cancel(new QueueDeadline(w.id()));
  }

  private Behavior<Command> onQueueDeadline(QueueDeadline msg) {
    Waiter w = queue.remove(msg.waiterId());
    if (w == null) return this;
    long now = clock.getAsLong();
    w.replyTo().tell(ledger.waitEnded(w.admission(), now));
    serveQueue(now);
    return this;
  }

  private Behavior<Command> onRecheck(Recheck msg) {
    long now = clock.getAsLong();
    publishState(now);
    serveQueue(now);
    return this;
  }

  // ---- outcomes and signals

  private Behavior<Command> onRelease(Release msg) {
    long now = clock.getAsLong();
    Settlement settled = ledger.release(msg.permitId(), msg.outcome(), now);
    if (settled == Settlement.ALREADY_SETTLED) return this; // released twice: the first release counted
    if (settled == Settlement.COOL_DOWN_STARTED) coolingDown(now);
    publishState(now);
    serveQueue(now);
    return this;
  }

  private Behavior<Command> onFirstTokenSeen(FirstTokenSeen msg) {
    ledger.firstToken(msg.permitId());
    return this;
  }

  private Behavior<Command> onLearnedLimits(LearnedLimits msg) {
    long now = clock.getAsLong();
    if (ledger.learn(msg.signals(), now)) coolingDown(now);
    serveQueue(now);
    return this;
  }

  /** A cool-down started or grew: recheck at its end, and tell the cluster. Waiters are turned away as the queue is served. */
  private void coolingDown(long now) {
    Duration d = ledger.coolingDownFor(now);
    timers.startSingleTimer(Recheck.COOL_DOWN, Recheck.COOL_DOWN, d);
    getContext().getLog().info("Provider {} cooling down for {} ms", name, d.toMillis());
    announce(d, RejectReason.COOLING_DOWN);
  }

  /**
   * Logs and publishes circuit transitions. An open circuit keeps a timer for its half-open moment, so
   * the transition shows (in metrics) even when no request comes to notice it.
   */
  private void publishState(long now) {
    CircuitBreaker.State state = ledger.circuit(now);
    if (state == CircuitBreaker.State.OPEN && !timers.isTimerActive(Recheck.CIRCUIT)) {
      timers.startSingleTimer(Recheck.CIRCUIT, Recheck.CIRCUIT, max(ledger.untilHalfOpen(now), SOONEST_RECHECK));
    }
    if (state == publishedState) return;
    if (state == CircuitBreaker.State.OPEN) {
      getContext().getLog().warn("Provider {} circuit open for {} ms", name, ledger.untilHalfOpen(now).toMillis());
      announce(ledger.untilHalfOpen(now), RejectReason.CIRCUIT_OPEN);
    } else {
      getContext().getLog().info("Provider {} circuit {}", name, state.name().toLowerCase(Locale.ROOT));
    }
    publishedState = state;
    metrics.circuitState(state);
  }

  /** Tells the event stream (and through it, on a cluster, the other nodes) that the provider is out for {@code d}. */
  private void announce(Duration d, RejectReason reason) {
    getContext().getSystem().eventStream().tell(new EventStream.Publish<>(
        new Unavailable(name, System.currentTimeMillis() + d.toMillis(), reason)));
  }

  // ---- the cluster

  private Behavior<Command> onApplyShare(ApplyShare msg) {
    long now = clock.getAsLong();
    if (!ledger.applyShare(msg.share(), now)) return this;
    getContext().getLog().info("Provider {}: this node's share is now {} (max-concurrent {})", name,
        String.format(Locale.ROOT, "%.3f", msg.share()), ledger.limits().maxConcurrent());
    serveQueue(now);
    return this;
  }

  private Behavior<Command> onRemoteUnavailable(RemoteUnavailable msg) {
    long remaining = msg.untilEpochMillis() - System.currentTimeMillis();
    if (remaining <= 0) return this;
    Duration d = Duration.ofMillis(remaining);
    long now = clock.getAsLong();
    if (!ledger.remoteUnavailable(d, msg.reason(), now)) return this;
    timers.startSingleTimer(Recheck.REMOTE, Recheck.REMOTE, d);
    getContext().getLog().info("Provider {} unavailable for {} ms, as another node found ({})", name, remaining,
        msg.reason().label());
    serveQueue(now); // waiters are turned away now, not at their deadline
    return this;
  }

  // ---- queries

  private Behavior<Command> onGetSnapshot(GetSnapshot msg) {
    long now = clock.getAsLong();
    publishState(now);
    msg.replyTo().tell(ledger.snapshot(queue.size(), now));
    return this;
  }

  private Behavior<Command> onGetTtftPercentile(GetTtftPercentile msg) {
    msg.replyTo().tell(ledger.ttft(msg.percentile(), clock.getAsLong()));
    return this;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
