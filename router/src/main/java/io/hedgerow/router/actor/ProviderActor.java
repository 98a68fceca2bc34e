package io.hedgerow.router.actor;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.TtftPercentiles;
import io.hedgerow.router.health.CircuitBreaker;
import io.hedgerow.router.health.CircuitBreaker.Verdict;
import io.hedgerow.router.health.CoolDown;
import io.hedgerow.router.health.ProviderHealth;
import io.hedgerow.router.limits.Capacity;
import io.hedgerow.router.limits.Capacity.Shortage;
import io.hedgerow.router.limits.RateLimitSignals;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Time comes from an injected nanosecond clock and every deadline is a keyed timer, so tests drive
 * refills, cool-downs and queue deadlines with manual time.
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

  /** Not now; {@code retryAfter} is when this provider expects capacity, a closing circuit or the end of a cool-down. */
  public record Rejected(String provider, RejectReason reason, Optional<Duration> retryAfter) implements AcquireReply {}

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

  /** Distinct model names tracked per provider; beyond them, models are counted as "other". */
  static final int MAX_MODELS = 32;
  private static final Duration SOONEST_RECHECK = Duration.ofMillis(1);

  private final TimerScheduler<Command> timers;
  private final ProviderConfig config;
  private final ProviderMetrics metrics;
  private final LongSupplier clock;
  private Capacity capacity;
  private double share = 1.0;
  /** Until when (nanos on {@link #clock}) another node says the provider is unavailable, and why. */
  private long remoteUntil;
  private RejectReason remoteReason;
  private final CircuitBreaker breaker;
  private final ProviderHealth health;
  private final CoolDown coolDown;
  private final Map<Long, Lease> leases = new HashMap<>();
  private final LinkedHashMap<Long, Waiter> queue = new LinkedHashMap<>();
  private final Set<String> models = new HashSet<>();
  private CircuitBreaker.State publishedState = CircuitBreaker.State.CLOSED;
  private final AttemptTally tally = new AttemptTally();
  private long nextId = 1;

  private ProviderActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, ProviderConfig config,
      ProviderMetrics metrics, LongSupplier clock) {
    super(ctx);
    this.timers = timers;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    long now = clock.getAsLong();
    this.capacity = new Capacity(config.limits(), now);
    this.breaker = new CircuitBreaker(config.breaker(), now);
    this.health = new ProviderHealth(config.healthWindow(), now);
    this.coolDown = new CoolDown(config.breaker().maxCoolDown());
  }

  /** One granted attempt, until its permit comes back. */
  private static final class Lease {
    final String model;
    final int reservedTokens;
    final int promptTokens;
    final CircuitBreaker.Ticket ticket;
    boolean firstTokenSeen;

    Lease(String model, int reservedTokens, int promptTokens, CircuitBreaker.Ticket ticket) {
      this.model = model;
      this.reservedTokens = reservedTokens;
      this.promptTokens = promptTokens;
      this.ticket = ticket;
    }
  }

  /** A request waiting for capacity. */
  private record Waiter(long id, ActorRef<AcquireReply> replyTo, Admission admission, String model, long since) {}

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

  // ---- admission

  private Behavior<Command> onAcquire(Acquire msg) {
    long now = clock.getAsLong();
    Admission a = msg.admission();
    String model = modelKey(a.model());
    Optional<Rejected> closed = gate(a.mode(), now);
    if (closed.isPresent()) return reject(msg.replyTo(), model, closed.get());
    Shortage shortage = capacity.shortage(a.estimatedTokens(), now);
    if (shortage == Shortage.NONE && queue.isEmpty()) {
      grant(msg.replyTo(), a, model, now);
    } else if (a.mode() != Mode.HEDGE && a.maxWait().toNanos() > 0) {
      enqueue(msg.replyTo(), a, model, shortage, now);
    } else {
      reject(msg.replyTo(), model, shortOf(shortage, a.estimatedTokens(), now));
    }
    return this;
  }

  /** Why the circuit or a cool-down keeps this admission out, if they do. */
  private Optional<Rejected> gate(Mode mode, long now) {
    publishState(now);
    if (mode == Mode.FORCE) return Optional.empty();
    CircuitBreaker.State state = breaker.state(now);
    boolean circuitShut = mode == Mode.HEDGE ? state != CircuitBreaker.State.CLOSED : !breaker.admits(now);
    if (circuitShut) {
      Optional<Duration> until = state == CircuitBreaker.State.OPEN ? Optional.of(breaker.untilHalfOpen(now)) : Optional.empty();
      return Optional.of(new Rejected(config.name(), RejectReason.CIRCUIT_OPEN, until));
    }
    if (coolDown.active(now)) {
      return Optional.of(new Rejected(config.name(), RejectReason.COOLING_DOWN, Optional.of(coolDown.remaining(now))));
    }
    if (remoteReason != null && remoteUntil - now > 0) {
      return Optional.of(new Rejected(config.name(), remoteReason, Optional.of(Duration.ofNanos(remoteUntil - now))));
    }
    return Optional.empty();
  }

  private void grant(ActorRef<AcquireReply> replyTo, Admission a, String model, long now) {
    capacity.admit(a.estimatedTokens(), now);
    long id = nextId++;
    leases.put(id, new Lease(model, a.estimatedTokens(), a.promptTokens(), breaker.admit(now)));
    tally.granted++;
    metrics.inFlight(capacity.inFlight());
    Optional<Duration> deadline = a.deadline().map(policy -> policy.forProvider(
        new TtftPercentiles(health.ttftSamples(now), p -> health.ttftAt(p, now))));
    replyTo.tell(new Granted(new Permit(config.name(), id, getContext().getSelf(), deadline)));
  }

  private Behavior<Command> reject(ActorRef<AcquireReply> replyTo, String model, Rejected rejection) {
    tally.rejected(rejection.reason());
    metrics.rejected(model, rejection.reason().label());
    replyTo.tell(rejection);
    return this;
  }

  /** The rejection for a capacity shortage, with when it should be over. */
  private Rejected shortOf(Shortage shortage, int tokens, long now) {
    RejectReason reason = shortage == Shortage.REQUESTS || shortage == Shortage.TOKENS
        ? RejectReason.RATE_LIMITED : RejectReason.CAPACITY;
    return new Rejected(config.name(), reason, expectedCapacity(shortage, tokens, now));
  }

  /** From the buckets when they are short; else, for a full house, about one typical attempt's latency. */
  private Optional<Duration> expectedCapacity(Shortage shortage, int tokens, long now) {
    Optional<Duration> fromBuckets = capacity.timeUntil(shortage, tokens, now);
    if (fromBuckets.isPresent()) return fromBuckets;
    var latency = health.latency(now);
    return latency.count() == 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) (latency.p50Ms() * 1e6)));
  }

  // ---- the queue

  private void enqueue(ActorRef<AcquireReply> replyTo, Admission a, String model, Shortage shortage, long now) {
    if (queue.size() >= config.limits().queueSize()) {
      Rejected full = shortOf(shortage, a.estimatedTokens(), now);
      reject(replyTo, model, new Rejected(config.name(), RejectReason.QUEUE_FULL, full.retryAfter()));
      return;
    }
    long id = nextId++;
    queue.put(id, new Waiter(id, replyTo, a, model, now));
    timers.startSingleTimer(new QueueDeadline(id), new QueueDeadline(id), a.maxWait());
    serveQueue(now);
  }

  /** Grants waiting requests in arrival order while there is capacity; arms a timer for the next refill. */
  private void serveQueue(long now) {
    while (!queue.isEmpty()) {
      Waiter w = queue.values().iterator().next();
      Optional<Rejected> closed = gate(w.admission().mode(), now);
      if (closed.isPresent()) {
        dequeue(w);
        reject(w.replyTo(), w.model(), closed.get());
        continue;
      }
      Shortage shortage = capacity.shortage(w.admission().estimatedTokens(), now);
      if (shortage == Shortage.NONE) {
        dequeue(w);
        metrics.queueWait(w.model(), Duration.ofNanos(now - w.since()));
        grant(w.replyTo(), w.admission(), w.model(), now);
        continue;
      }
      capacity.timeUntil(shortage, w.admission().estimatedTokens(), now).ifPresent(d ->
          timers.startSingleTimer(Recheck.CAPACITY, Recheck.CAPACITY, max(d, SOONEST_RECHECK)));
      return;
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
    Shortage shortage = capacity.shortage(w.admission().estimatedTokens(), now);
    reject(w.replyTo(), w.model(), new Rejected(config.name(), RejectReason.QUEUE_TIMEOUT,
        expectedCapacity(shortage, w.admission().estimatedTokens(), now)));
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
    Lease lease = leases.remove(msg.permitId());
    if (lease == null) return this; // released twice: the first release counted
    long now = clock.getAsLong();
    capacity.release();
    tally.ended(msg.outcome());
    if (msg.outcome() instanceof Outcome.Succeeded s) onSucceeded(lease, s, now);
    else if (msg.outcome() instanceof Outcome.Failed f) onFailed(lease, f, now);
    else if (msg.outcome() instanceof Outcome.Cancelled c) onCancelled(lease, c, now);
    metrics.inFlight(capacity.inFlight());
    publishState(now);
    serveQueue(now);
    return this;
  }

  private void onSucceeded(Lease lease, Outcome.Succeeded s, long now) {
    s.usage().ifPresent(u -> capacity.settle(lease.reservedTokens, u.totalTokens(), now));
    health.succeeded(lease.model, s.latency(), s.firstToken(), now);
    breaker.record(lease.ticket, Verdict.SUCCESS, now);
    metrics.succeeded(lease.model, s.latency(), s.firstToken(), s.usage());
  }

  private void onFailed(Lease lease, Outcome.Failed f, long now) {
    ErrorClass c = f.errorClass();
    refundUnlessStarted(lease, now);
    health.failed(lease.model, c, now);
    breaker.record(lease.ticket, Verdict.of(c), now);
    if (c == ErrorClass.RATE_LIMITED) coolDown(f.retryAfter().orElse(config.breaker().rateLimitCoolDown()), now);
    else if (c == ErrorClass.OVERLOADED && f.retryAfter().isPresent()) coolDown(f.retryAfter().get(), now);
    metrics.failed(lease.model, c);
  }

  private void onCancelled(Lease lease, Outcome.Cancelled c, long now) {
    refundUnlessStarted(lease, now);
    breaker.record(lease.ticket, Verdict.NEUTRAL, now);
    if (c.hedgeLoser()) metrics.hedgeLost(lease.model, lease.promptTokens);
    else metrics.cancelled(lease.model);
  }

  /** An attempt that never produced a token most likely cost the provider's limits nothing. */
  private void refundUnlessStarted(Lease lease, long now) {
    if (!lease.firstTokenSeen) capacity.settle(lease.reservedTokens, 0, now);
  }

  private Behavior<Command> onFirstTokenSeen(FirstTokenSeen msg) {
    Lease lease = leases.get(msg.permitId());
    if (lease != null) lease.firstTokenSeen = true;
    return this;
  }

  private Behavior<Command> onLearnedLimits(LearnedLimits msg) {
    long now = clock.getAsLong();
    capacity.observe(msg.signals(), now);
    msg.signals().retryAfter().ifPresent(d -> coolDown(d, now));
    serveQueue(now);
    return this;
  }

  /** Keeps ordinary traffic away for {@code duration}; those waiting in the queue are turned away as it is served. */
  private void coolDown(Duration duration, long now) {
    coolDown.start(duration, now).ifPresent(d -> {
      timers.startSingleTimer(Recheck.COOL_DOWN, Recheck.COOL_DOWN, d);
      getContext().getLog().info("Provider {} cooling down for {} ms", config.name(), d.toMillis());
      announce(d, RejectReason.COOLING_DOWN);
    });
  }

  /**
   * Logs and publishes circuit transitions. An open circuit keeps a timer for its half-open moment, so
   * the transition shows (in metrics) even when no request comes to notice it.
   */
  private void publishState(long now) {
    CircuitBreaker.State state = breaker.state(now);
    if (state == CircuitBreaker.State.OPEN && !timers.isTimerActive(Recheck.CIRCUIT)) {
      timers.startSingleTimer(Recheck.CIRCUIT, Recheck.CIRCUIT, max(breaker.untilHalfOpen(now), SOONEST_RECHECK));
    }
    if (state == publishedState) return;
    if (state == CircuitBreaker.State.OPEN) {
      getContext().getLog().warn("Provider {} circuit open for {} ms", config.name(), breaker.untilHalfOpen(now).toMillis());
      announce(breaker.untilHalfOpen(now), RejectReason.CIRCUIT_OPEN);
    } else {
      getContext().getLog().info("Provider {} circuit {}", config.name(), state.name().toLowerCase(Locale.ROOT));
    }
    publishedState = state;
    metrics.circuitState(state);
  }

  /** Tells the event stream (and through it, on a cluster, the other nodes) that the provider is out for {@code d}. */
  private void announce(Duration d, RejectReason reason) {
    getContext().getSystem().eventStream().tell(new EventStream.Publish<>(
        new Unavailable(config.name(), System.currentTimeMillis() + d.toMillis(), reason)));
  }

  // ---- the cluster

  private Behavior<Command> onApplyShare(ApplyShare msg) {
    if (msg.share() == share) return this;
    long now = clock.getAsLong();
    share = msg.share();
    capacity = capacity.rescaled(config.limits().scaledTo(share), now);
    getContext().getLog().info("Provider {}: this node's share is now {} (max-concurrent {})", config.name(),
        String.format(Locale.ROOT, "%.3f", share), capacity.limits().maxConcurrent());
    serveQueue(now);
    return this;
  }

  private Behavior<Command> onRemoteUnavailable(RemoteUnavailable msg) {
    long remaining = msg.untilEpochMillis() - System.currentTimeMillis();
    if (remaining <= 0) return this;
    long now = clock.getAsLong();
    long until = now + Duration.ofMillis(remaining).toNanos();
    if (remoteReason != null && remoteUntil - until >= 0) return this;
    remoteUntil = until;
    remoteReason = msg.reason();
    timers.startSingleTimer(Recheck.REMOTE, Recheck.REMOTE, Duration.ofMillis(remaining));
    getContext().getLog().info("Provider {} unavailable for {} ms, as another node found ({})", config.name(), remaining,
        msg.reason().label());
    serveQueue(now); // waiters are turned away now, not at their deadline
    return this;
  }

  // ---- queries

  private Behavior<Command> onGetSnapshot(GetSnapshot msg) {
    long now = clock.getAsLong();
    publishState(now);
    Map<String, ProviderSnapshot.Bucket> buckets = new LinkedHashMap<>();
    ProviderSnapshot.Bucket.of(capacity.requests(), now).ifPresent(b -> buckets.put("requests", b));
    ProviderSnapshot.Bucket.of(capacity.tokens(), now).ifPresent(b -> buckets.put("tokens", b));
    msg.replyTo().tell(new ProviderSnapshot(config.name(), breaker.state(now).name().toLowerCase(Locale.ROOT),
        breaker.untilHalfOpen(now).toMillis(), coolDown.remaining(now).toMillis(),
        capacity.inFlight(), capacity.limits().maxConcurrent(), queue.size(), buckets,
        tally.granted, tally.rejected, tally.rejectedByReason(), tally.succeeded, tally.cancelled, tally.hedgesLost,
        tally.failuresByClass(),
        health.latency(now), health.ttft(now), health.errorRates(now), health.byModel(now)));
    return this;
  }

  private Behavior<Command> onGetTtftPercentile(GetTtftPercentile msg) {
    long now = clock.getAsLong();
    msg.replyTo().tell(new TtftPercentile(config.name(), msg.percentile(), health.ttftSamples(now),
        health.ttftAt(msg.percentile(), now)));
    return this;
  }

  private String modelKey(String model) {
    if (models.contains(model)) return model;
    if (models.size() >= MAX_MODELS) return "other";
    models.add(model);
    return model;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
