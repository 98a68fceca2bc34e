package io.hedgerow.router.actor;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.actor.ProviderActor.RejectReason;
import io.hedgerow.router.actor.ProviderActor.Rejected;
import io.hedgerow.router.actor.ProviderActor.TtftPercentile;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.TtftPercentiles;
import io.hedgerow.router.health.CircuitBreaker;
import io.hedgerow.router.health.CircuitBreaker.Verdict;
import io.hedgerow.router.health.CoolDown;
import io.hedgerow.router.health.ProviderHealth;
import io.hedgerow.router.limits.Capacity;
import io.hedgerow.router.limits.Capacity.Shortage;
import io.hedgerow.router.limits.Limits;
import io.hedgerow.router.limits.RateLimitSignals;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One provider's books on this node: it decides whether an attempt may start now (limits, circuit,
 * cool-downs, another node's word), records the leases it grants and settles each with its outcome
 * (health, circuit, token reservation, metrics). Its {@link ProviderActor} owns the time, the timers and
 * the queue of waiting requests. Not thread-safe; clock-free: every call says what time it is, in
 * nanoseconds.
 */
public final class ProviderLedger {

  /** Distinct model names tracked per provider; beyond them, models are counted as "other". */
  static final int MAX_MODELS = 32;

  /** What {@link ProviderLedger#decide} says to an admission: a lease, a rejection, or that it may wait for capacity. */
  public sealed interface Decision permits Lease, Rejected, Wait {}

  /** One granted attempt, held until its permit comes back. */
  public static final class Lease implements Decision {
    private final long id;
    private final String model;
    private final int reservedTokens;
    private final int promptTokens;
    private final CircuitBreaker.Ticket ticket;
    private final Optional<Duration> firstTokenDeadline;
    private boolean firstTokenSeen;

    private Lease(long id, String model, int reservedTokens, int promptTokens, CircuitBreaker.Ticket ticket,
        Optional<Duration> firstTokenDeadline) {
      this.id = id;
      this.model = model;
      this.reservedTokens = reservedTokens;
      this.promptTokens = promptTokens;
      this.ticket = ticket;
      this.firstTokenDeadline = firstTokenDeadline;
    }

    /** The permit's id: what {@link ProviderLedger#release} and {@link ProviderLedger#firstToken} are called with. */
    public long id() {
      return id;
    }

    /** The model the attempt is counted under (its own name, or "other" past {@link ProviderLedger#MAX_MODELS}). */
    public String model() {
      return model;
    }

    /** When the first token is due, by the admission's hedging policy and the provider's TTFT, if it asked. */
    public Optional<Duration> firstTokenDeadline() {
      return firstTokenDeadline;
    }
  }

  /**
   * Not now, but the admission may wait for capacity: {@code shortage} is what it waits for ({@code NONE}
   * when capacity exists but others are waiting ahead of it).
   */
  public record Wait(Shortage shortage) implements Decision {
    private static final Wait[] BY_SHORTAGE = Arrays.stream(Shortage.values()).map(Wait::new).toArray(Wait[]::new);

    static Wait of(Shortage shortage) {
      return BY_SHORTAGE[shortage.ordinal()];
    }
  }

  /** What returning a permit did. */
  public enum Settlement {
    /** The permit had already come back (or was never granted): nothing changed. */
    ALREADY_SETTLED,
    SETTLED,
    /** Settled, and the outcome started or extended a cool-down: see {@link ProviderLedger#coolingDownFor}. */
    COOL_DOWN_STARTED
  }

  private final ProviderConfig config;
  private final ProviderMetrics metrics;
  private Capacity capacity;
  private double share = 1.0;
  private final CircuitBreaker breaker;
  private final ProviderHealth health;
  private final CoolDown coolDown;
  private final RemoteUnavailability remote = new RemoteUnavailability();
  private final Map<Long, Lease> leases = new HashMap<>();
  private final Set<String> models = new HashSet<>();
  private final AttemptTally tally = new AttemptTally();
  private long nextId = 1;

  public ProviderLedger(ProviderConfig config, ProviderMetrics metrics, long now) {
    this.config = config;
    this.metrics = metrics;
    this.capacity = new Capacity(config.limits(), now);
    this.breaker = new CircuitBreaker(config.breaker(), now);
    this.health = new ProviderHealth(config.healthWindow(), now);
    this.coolDown = new CoolDown(config.breaker().maxCoolDown());
  }

  // ---- admission

  /**
   * Grants, rejects (and counts the rejection) or tells to wait. {@code waitingAhead} is how many requests
   * already wait for this provider: a newcomer does not overtake them, and the queue holds at most the
   * configured {@code queue-size}. The first in the queue asks with zero ahead.
   */
  public Decision decide(Admission a, int waitingAhead, long now) {
    String model = modelKey(a.model());
    Optional<Rejected> closed = gate(a.mode(), now);
    if (closed.isPresent()) return counted(model, closed.get());
    Shortage shortage = capacity.shortage(a.estimatedTokens(), now);
    if (shortage == Shortage.NONE && waitingAhead == 0) return grant(a, model, now);
    if (a.mode() == Mode.HEDGE || a.maxWait().toNanos() <= 0) return counted(model, shortOf(shortage, a.estimatedTokens(), now));
    if (waitingAhead >= config.limits().queueSize()) {
      return counted(model, new Rejected(config.name(), RejectReason.QUEUE_FULL,
          expectedCapacity(shortage, a.estimatedTokens(), now)));
    }
    return Wait.of(shortage);
  }

  /** When a bucket should cover the waiting admission; empty when it waits for a release (concurrency, or others ahead). */
  public Optional<Duration> refillIn(Wait wait, Admission a, long now) {
    return capacity.timeUntil(wait.shortage(), a.estimatedTokens(), now);
  }

  /** Rejects (and counts) an admission whose wait for capacity ran out. */
  public Rejected waitEnded(Admission a, long now) {
    Shortage shortage = capacity.shortage(a.estimatedTokens(), now);
    return counted(modelKey(a.model()), new Rejected(config.name(), RejectReason.QUEUE_TIMEOUT,
        expectedCapacity(shortage, a.estimatedTokens(), now)));
  }

  /** Why the circuit, a cool-down or another node's word keeps this admission out, if they do. */
  private Optional<Rejected> gate(Mode mode, long now) {
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
    if (remote.active(now)) {
      return Optional.of(new Rejected(config.name(), remote.reason(), Optional.of(remote.remaining(now))));
    }
    return Optional.empty();
  }

  private Lease grant(Admission a, String model, long now) {
    capacity.admit(a.estimatedTokens(), now);
    Optional<Duration> deadline = a.deadline().map(policy -> policy.forProvider(
        new TtftPercentiles(health.ttftSamples(now), p -> health.ttftAt(p, now))));
    Lease lease = new Lease(nextId++, model, a.estimatedTokens(), a.promptTokens(), breaker.admit(now), deadline);
    leases.put(lease.id, lease);
    tally.granted++;
    metrics.inFlight(capacity.inFlight());
    return lease;
  }

  private Rejected counted(String model, Rejected rejection) {
    tally.rejected(rejection.reason());
    metrics.rejected(model, rejection.reason().label());
    return rejection;
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

  private String modelKey(String model) {
    if (models.contains(model)) return model;
    if (models.size() >= MAX_MODELS) return "other";
    models.add(model);
    return model;
  }

  // ---- outcomes and signals

  /** Settles the lease {@code permitId} with how its attempt ended; a second release of the same permit changes nothing. */
  public Settlement release(long permitId, Outcome outcome, long now) {
    Lease lease = leases.remove(permitId);
    if (lease == null) return Settlement.ALREADY_SETTLED;
    capacity.release();
    tally.ended(outcome);
    boolean coolingDown = false;
    if (outcome instanceof Outcome.Succeeded s) succeeded(lease, s, now);
    else if (outcome instanceof Outcome.Failed f) coolingDown = failed(lease, f, now);
    else if (outcome instanceof Outcome.Cancelled c) cancelled(lease, c, now);
    metrics.inFlight(capacity.inFlight());
    return coolingDown ? Settlement.COOL_DOWN_STARTED : Settlement.SETTLED;
  }

  private void succeeded(Lease lease, Outcome.Succeeded s, long now) {
    s.usage().ifPresent(u -> capacity.settle(lease.reservedTokens, u.totalTokens(), now));
    health.succeeded(lease.model, s.latency(), s.firstToken(), now);
    breaker.record(lease.ticket, Verdict.SUCCESS, now);
    metrics.succeeded(lease.model, s.latency(), s.firstToken(), s.usage());
  }

  /** Returns whether the failure started a cool-down. */
  private boolean failed(Lease lease, Outcome.Failed f, long now) {
    ErrorClass c = f.errorClass();
    refundUnlessStarted(lease, now);
    health.failed(lease.model, c, now);
    breaker.record(lease.ticket, Verdict.of(c), now);
    metrics.failed(lease.model, c);
    if (c == ErrorClass.RATE_LIMITED) return coolDown(f.retryAfter().orElse(config.breaker().rateLimitCoolDown()), now);
    if (c == ErrorClass.OVERLOADED && f.retryAfter().isPresent()) return coolDown(f.retryAfter().get(), now);
    return false;
  }

  private void cancelled(Lease lease, Outcome.Cancelled c, long now) {
    refundUnlessStarted(lease, now);
    breaker.record(lease.ticket, Verdict.NEUTRAL, now);
    if (c.hedgeLoser()) metrics.hedgeLost(lease.model, lease.promptTokens);
    else metrics.cancelled(lease.model);
  }

  /** An attempt that never produced a token most likely cost the provider's limits nothing. */
  private void refundUnlessStarted(Lease lease, long now) {
    if (!lease.firstTokenSeen) capacity.settle(lease.reservedTokens, 0, now);
  }

  /** The attempt holding {@code permitId} produced its first token: its tokens are spent even if it fails. */
  public void firstToken(long permitId) {
    Lease lease = leases.get(permitId);
    if (lease != null) lease.firstTokenSeen = true;
  }

  /** Takes in the rate-limit headers of a response; returns whether they started or extended a cool-down. */
  public boolean learn(RateLimitSignals signals, long now) {
    capacity.observe(signals, now);
    return signals.retryAfter().isPresent() && coolDown(signals.retryAfter().get(), now);
  }

  /** Keeps ordinary traffic away for {@code duration} (capped); returns whether that started or extended the cool-down. */
  private boolean coolDown(Duration duration, long now) {
    return coolDown.start(duration, now).isPresent();
  }

  /** What is left of the cool-down the provider asked for; zero when there is none. */
  public Duration coolingDownFor(long now) {
    return coolDown.remaining(now);
  }

  // ---- the cluster

  /** Carries {@code share} (0–1] of the configured limits from now on; returns false when that is the share already. */
  public boolean applyShare(double newShare, long now) {
    if (newShare == share) return false;
    share = newShare;
    capacity = capacity.rescaled(config.limits().scaledTo(share), now);
    return true;
  }

  /** This node's limits: the configured ones times its share. */
  public Limits limits() {
    return capacity.limits();
  }

  /**
   * Another node found the provider unavailable for {@code duration}: ordinary admissions are rejected
   * with {@code reason} until then. Returns false when an earlier word already lasts as long.
   */
  public boolean remoteUnavailable(Duration duration, RejectReason reason, long now) {
    return remote.extend(duration, reason, now);
  }

  // ---- queries

  public CircuitBreaker.State circuit(long now) {
    return breaker.state(now);
  }

  /** How long until an open circuit turns half-open; zero when it is not open. */
  public Duration untilHalfOpen(long now) {
    return breaker.untilHalfOpen(now);
  }

  /** The books as they stand; {@code queued} is how many requests the actor holds waiting. */
  public ProviderSnapshot snapshot(int queued, long now) {
    Map<String, ProviderSnapshot.Bucket> buckets = new LinkedHashMap<>();
    ProviderSnapshot.Bucket.of(capacity.requests(), now).ifPresent(b -> buckets.put("requests", b));
    ProviderSnapshot.Bucket.of(capacity.tokens(), now).ifPresent(b -> buckets.put("tokens", b));
    return new ProviderSnapshot(config.name(), breaker.state(now).name().toLowerCase(Locale.ROOT),
        breaker.untilHalfOpen(now).toMillis(), coolDown.remaining(now).toMillis(),
        remote.active(now) ? remote.reason().label() : "none", remote.remaining(now).toMillis(),
        capacity.inFlight(), capacity.limits().maxConcurrent(), queued, buckets,
        tally.granted, tally.rejected, tally.rejectedByReason(), tally.succeeded, tally.cancelled, tally.hedgesLost,
        tally.failuresByClass(),
        health.latency(now), health.ttft(now), health.errorRates(now), health.byModel(now));
  }

  /** The time to first token at {@code percentile} (0–100) over the health window. */
  public TtftPercentile ttft(double percentile, long now) {
    return new TtftPercentile(config.name(), percentile, health.ttftSamples(now), health.ttftAt(percentile, now));
  }
}
