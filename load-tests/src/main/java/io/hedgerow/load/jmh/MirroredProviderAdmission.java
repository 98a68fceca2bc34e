package io.hedgerow.load.jmh;

import io.hedgerow.router.actor.Admission;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.actor.Outcome;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.TtftPercentiles;
import io.hedgerow.router.health.CircuitBreaker;
import io.hedgerow.router.health.CircuitBreaker.Verdict;
import io.hedgerow.router.health.CoolDown;
import io.hedgerow.router.health.ProviderHealth;
import io.hedgerow.router.limits.Capacity;
import io.hedgerow.router.limits.Capacity.Shortage;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ProviderActor's per-request decisions, call for call, on the same plain state (Capacity, CircuitBreaker,
 * CoolDown, ProviderHealth, the leases), without the actor around them. It mirrors, on this branch:
 * <ul>
 *   <li>{@link #acquire}: {@code onAcquire} → {@code modelKey} → {@code gate} (with {@code publishState}) →
 *       {@code Capacity.shortage} → {@code grant} ({@code Capacity.admit}, {@code CircuitBreaker.admit}, the
 *       lease, the adaptive first-token deadline from {@code ProviderHealth});</li>
 *   <li>{@link #firstToken}: {@code onFirstTokenSeen};</li>
 *   <li>{@link #release}: {@code onRelease} → {@code Capacity.release} → {@code onSucceeded}
 *       ({@code Capacity.settle}, {@code ProviderHealth.succeeded}, {@code CircuitBreaker.record}) →
 *       {@code publishState} → {@code serveQueue} (an empty queue).</li>
 * </ul>
 * Left out: the messages and replies, timers, logging, the lifetime tally (package-private counters) and
 * Kamon metrics. Only the grant path is mirrored; the benchmark's limits never run short, and a refusal
 * fails the run (see {@link #refusals}). When the admission logic moves out of ProviderActor into a plain
 * class, replace this one with it: the benchmarks call only the constructor, acquire, firstToken and release.
 */
final class MirroredProviderAdmission {
  private final Capacity capacity;
  private final CircuitBreaker breaker;
  private final ProviderHealth health;
  private final CoolDown coolDown;
  private final Map<Long, Lease> leases = new HashMap<>();
  private final LinkedHashMap<Long, Admission> queue = new LinkedHashMap<>();
  private final Set<String> models = new HashSet<>();
  private CircuitBreaker.State publishedState = CircuitBreaker.State.CLOSED;
  private long nextId = 1;
  private long refusals;

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

  /** What a granted acquire hands back: the permit id and the first-token deadline set for it. */
  record Grant(long permitId, Optional<Duration> deadline) {}

  MirroredProviderAdmission(ProviderConfig config, long now) {
    this.capacity = new Capacity(config.limits(), now);
    this.breaker = new CircuitBreaker(config.breaker(), now);
    this.health = new ProviderHealth(config.healthWindow(), now);
    this.coolDown = new CoolDown(config.breaker().maxCoolDown());
  }

  /** ProviderActor.onAcquire; empty where the actor would reply Rejected or queue the request. */
  Optional<Grant> acquire(Admission a, long now) {
    String model = modelKey(a.model());
    if (!gateOpen(a.mode(), now)) return refused();
    Shortage shortage = capacity.shortage(a.estimatedTokens(), now);
    if (shortage != Shortage.NONE || !queue.isEmpty()) return refused();
    // grant
    capacity.admit(a.estimatedTokens(), now);
    long id = nextId++;
    leases.put(id, new Lease(model, a.estimatedTokens(), a.promptTokens(), breaker.admit(now)));
    Optional<Duration> deadline = a.deadline().map(policy -> policy.forProvider(
        new TtftPercentiles(health.ttftSamples(now), p -> health.ttftAt(p, now))));
    return Optional.of(new Grant(id, deadline));
  }

  /** ProviderActor.onFirstTokenSeen. */
  void firstToken(long permitId) {
    Lease lease = leases.get(permitId);
    if (lease != null) lease.firstTokenSeen = true;
  }

  /** ProviderActor.onRelease, for the outcomes a finished answer has: Outcome.Succeeded. */
  void release(long permitId, Outcome.Succeeded s, long now) {
    Lease lease = leases.remove(permitId);
    if (lease == null) return;
    capacity.release();
    s.usage().ifPresent(u -> capacity.settle(lease.reservedTokens, u.totalTokens(), now));
    health.succeeded(lease.model, s.latency(), s.firstToken(), now);
    breaker.record(lease.ticket, Verdict.SUCCESS, now);
    publishState(now);
    // serveQueue(now): nothing waits, since the mirror never queues
  }

  /** Acquires that were refused; the benchmarks measure the grant path, so this stays zero. */
  long refusals() {
    return refusals;
  }

  /** ProviderActor.gate, answering only whether the circuit, a cool-down or another node keeps it out. */
  private boolean gateOpen(Mode mode, long now) {
    publishState(now);
    if (mode == Mode.FORCE) return true;
    CircuitBreaker.State state = breaker.state(now);
    boolean circuitShut = mode == Mode.HEDGE ? state != CircuitBreaker.State.CLOSED : !breaker.admits(now);
    return !circuitShut && !coolDown.active(now); // no other node has said it is unavailable
  }

  /** ProviderActor.publishState without its timer, log line and gauge. */
  private void publishState(long now) {
    CircuitBreaker.State state = breaker.state(now);
    if (state != publishedState) publishedState = state;
  }

  private String modelKey(String model) {
    if (models.contains(model)) return model;
    if (models.size() >= 32) return "other";
    models.add(model);
    return model;
  }

  private Optional<Grant> refused() {
    refusals++;
    return Optional.empty();
  }
}
