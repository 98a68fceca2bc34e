package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.actor.Admission.Mode;
import io.hedgerow.router.actor.ProviderActor.RejectReason;
import io.hedgerow.router.hedging.HedgeBudget;
import io.hedgerow.router.limits.TokenEstimate;
import io.hedgerow.router.limits.TokenEstimator;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.stream.AttemptDeadlines;
import io.hedgerow.router.stream.AttemptPipeline;
import io.hedgerow.router.stream.Handoff;
import io.hedgerow.router.stream.HedgeLost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;

/**
 * Serves one request until its first token. It takes a permit from the route's first candidate that
 * grants one and starts an attempt; a retryable failure before the first token moves on to the next
 * candidate. When the route hedges and an attempt misses its first-token deadline (set by the provider
 * that granted the permit, from its own TTFT), it starts the same request on the next candidate that is
 * healthy and has capacity now, within the route's hedge budget. The first attempt to produce a token
 * wins: the others are aborted (their upstream connections closed) and the winning stream goes to the
 * client. Tokens never pass through this actor, except for a plain request on a route that does not hedge:
 * that is one plain upstream call, whose whole answer this actor hands over.
 *
 * <p>When every candidate has refused, it tries once more where that is likely to help: an open
 * circuit that closes soonest is forced, and a full provider that frees soonest is waited for in its
 * queue. At most one permit request is outstanding at a time.
 */
public final class Exchange extends AbstractBehavior<Exchange.Command> {

  public sealed interface Command {}

  private record PermitAnswer(ProviderActor.AcquireReply reply) implements Command {}

  private record FirstToken(int attempt, Handoff<ChatChunk> answer) implements Command {}

  private record AttemptFailed(int attempt, UpstreamError error) implements Command {}

  /** The timer guarding one attempt's first token fired; also the timer's key. */
  private record FirstTokenDeadline(int attempt) implements Command {}

  /** A plain attempt's whole completion went to the client, straight from the thread that read it. */
  private record Answered(int attempt, ChatCompletion completion) implements Command {}

  /** A plain attempt's deadline passed without an answer; also the timer's key. */
  private record AnswerDeadline(int attempt) implements Command {}

  /** How an attempt reaches its upstream, and how it is stopped. */
  private sealed interface Upstream permits Streamed, PlainCall {}

  /** A streamed attempt: its stream returns the permit; its kill switch stops it. */
  private record Streamed(UniqueKillSwitch killSwitch) implements Upstream {}

  /**
   * A plain call: this exchange returns its permit; cancelling it closes its upstream connection. Its answer
   * goes to the client from the thread that read it, unless this exchange gave up on it first: whichever
   * {@link #settle}s it first decides.
   */
  private record PlainCall(CompletableFuture<ChatCompletion> answer, AtomicBoolean settled) implements Upstream {

    /** True for the one caller that gets to decide the call's fate: its answer's delivery, or giving up on it. */
    boolean settle() {
      return settled.compareAndSet(false, true);
    }
  }

  /** One upstream attempt under way. */
  private record Attempt(int id, Candidate candidate, boolean hedge, Permit permit, long started, Upstream upstream) {

    boolean plain() {
      return upstream instanceof PlainCall;
    }

    /** A plain call given up on (its deadline, or it lost): abandoned, so its upstream connection closes. */
    void abandonPlainCall() {
      if (upstream instanceof PlainCall call) call.answer().cancel(false);
    }

    /**
     * Claims a plain call for this exchange to give up on; false once its answer has gone to the client
     * (its {@link Answered} is then on the way). A streamed attempt is always this exchange's to end.
     */
    boolean settle() {
      return !(upstream instanceof PlainCall call) || call.settle();
    }

    Duration elapsed() {
      return since(started);
    }

    /** Ends it as a loser: a streamed attempt through its kill switch, a plain one by returning its permit. */
    void abort() {
      if (upstream instanceof Streamed streamed) {
        streamed.killSwitch().abort(HedgeLost.INSTANCE);
      } else {
        settle();
        abandonPlainCall();
        permit.release(new Outcome.Cancelled(elapsed()));
      }
    }
  }

  private static final UpstreamError NO_CONTENT = UpstreamError.of(ErrorClass.SERVER_ERROR, 200,
      "The upstream ended its answer without any content.");

  /** Why a candidate turned the request away, to choose where to force or queue once all have. */
  private record Refusal(int candidate, RejectReason reason, Optional<Duration> retryAfter) {}

  /** The one permit request outstanding. */
  private record PendingAsk(int candidate, Mode mode) {}

  public static Behavior<Command> create(ChatRequest request, Route route, Map<String, ProviderHandle> providers,
      HedgeBudget budget, ActorRef<ExchangeReply> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Exchange(ctx, timers, request, route, providers, budget, replyTo).start()));
  }

  private final TimerScheduler<Command> timers;
  private final ChatRequest request;
  private final Route route;
  private final Map<String, ProviderHandle> providers;
  private final HedgeBudget budget;
  private final ActorRef<ExchangeReply> replyTo;
  private final ActorRef<ProviderActor.AcquireReply> permitAnswers;
  private final Materializer materializer;
  private final boolean streamUpstream;
  private TokenEstimate exactEstimate;
  private TokenEstimate approximateEstimate;
  private final Map<Integer, Attempt> running = new LinkedHashMap<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private PendingAsk pending;
  private int nextCandidate;
  private int attemptsStarted;
  private int hedgesStarted;
  private boolean forced;
  private boolean queued;
  private UpstreamError lastError;

  private Exchange(ActorContext<Command> ctx, TimerScheduler<Command> timers, ChatRequest request, Route route,
      Map<String, ProviderHandle> providers, HedgeBudget budget, ActorRef<ExchangeReply> replyTo) {
    super(ctx);
    this.timers = timers;
    this.request = request;
    this.route = route;
    this.providers = providers;
    this.budget = budget;
    this.replyTo = replyTo;
    this.permitAnswers = ctx.messageAdapter(ProviderActor.AcquireReply.class, PermitAnswer::new);
    this.materializer = Materializer.matFromSystem(ctx.getSystem());
    // a hedged route reads even plain requests as streams, so the first-token deadline applies to them
    this.streamUpstream = request.stream() || route.hedging().active();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PermitAnswer.class, this::onPermitAnswer)
        .onMessage(FirstToken.class, this::onFirstToken)
        .onMessage(AttemptFailed.class, this::onAttemptFailed)
        .onMessage(FirstTokenDeadline.class, this::onFirstTokenDeadline)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(AnswerDeadline.class, this::onAnswerDeadline)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> start() {
    if (route.hedging().active()) budget.recordRequest();
    return askNext(Mode.NORMAL);
  }

  /** Asks the next untried candidate for a permit, or settles what to do when none is left. */
  private Behavior<Command> askNext(Mode mode) {
    if (nextCandidate < route.candidates().size() && attemptsStarted < route.maxAttempts()) {
      ask(nextCandidate++, mode, Duration.ZERO);
      return this;
    }
    return running.isEmpty() ? exhausted() : this; // no hedge target left: the running attempt carries on
  }

  private void ask(int candidate, Mode mode, Duration maxWait) {
    Candidate c = route.candidates().get(candidate);
    Admission admission = Admission.of(estimateFor(providers.get(c.provider())), c.upstreamModel(), mode, maxWait);
    if (route.hedging().active()) admission = admission.withDeadline(route.hedging().deadline());
    pending = new PendingAsk(candidate, mode);
    providers.get(c.provider()).actor().tell(new ProviderActor.Acquire(permitAnswers, admission));
  }

  /**
   * The request's tokens as the provider needs them: encoded exactly where a tokens-per-minute limit of
   * ours is at stake, else approximated (encoding a long prompt costs about a millisecond). Each is worked
   * out at most once per request.
   */
  private TokenEstimate estimateFor(ProviderHandle provider) {
    if (provider.countsTokens()) {
      if (exactEstimate == null) exactEstimate = TokenEstimator.estimate(request);
      return exactEstimate;
    }
    if (approximateEstimate == null) approximateEstimate = TokenEstimator.approximate(request);
    return approximateEstimate;
  }

  /**
   * Every candidate has been asked and none is running. If they refused because their circuits are
   * open or they are cooling down, try the one that recovers first anyway; if for want of capacity,
   * wait in the queue of the one that frees first; otherwise (or after that) fail with the last error.
   */
  private Behavior<Command> exhausted() {
    if (attemptsStarted < route.maxAttempts()) {
      if (!forced) {
        Optional<Refusal> open = soonest(Set.of(RejectReason.CIRCUIT_OPEN, RejectReason.COOLING_DOWN));
        if (open.isPresent()) {
          forced = true;
          ask(open.get().candidate(), Mode.FORCE, Duration.ZERO);
          return this;
        }
      }
      if (!queued) {
        Optional<Refusal> full = soonest(Set.of(RejectReason.CAPACITY, RejectReason.RATE_LIMITED))
            .filter(r -> handle(r.candidate()).queueTimeout().compareTo(Duration.ZERO) > 0);
        if (full.isPresent()) {
          queued = true;
          ask(full.get().candidate(), Mode.NORMAL, handle(full.get().candidate()).queueTimeout());
          return this;
        }
      }
    }
    replyTo.tell(new ExchangeReply.Failed(lastError != null ? lastError : refusedError(), attemptsStarted));
    return Behaviors.stopped();
  }

  private Optional<Refusal> soonest(Set<RejectReason> reasons) {
    return refusals.stream().filter(r -> reasons.contains(r.reason()))
        .min((a, b) -> a.retryAfter().orElse(Duration.ZERO).compareTo(b.retryAfter().orElse(Duration.ZERO)));
  }

  /** Every candidate refused: 429 with the soonest time any of them expects to take requests again. */
  private UpstreamError refusedError() {
    Duration retry = refusals.stream().map(r -> r.retryAfter().orElse(Duration.ofSeconds(1)))
        .min(Duration::compareTo).orElse(Duration.ofSeconds(1));
    return new UpstreamError(ErrorClass.RATE_LIMITED, 429,
        "Every provider of '" + route.name() + "' is at its limits or unavailable; retry after " + retry.toMillis() + " ms.",
        Optional.of(retry));
  }

  private Behavior<Command> onPermitAnswer(PermitAnswer msg) {
    PendingAsk asked = pending;
    pending = null;
    if (msg.reply() instanceof ProviderActor.Rejected r) {
      refusals.add(new Refusal(asked.candidate(), r.reason(), r.retryAfter()));
      if (asked.mode() == Mode.HEDGE && !running.isEmpty()) {
        return askNext(Mode.HEDGE); // look further down the route for a hedge target
      }
      if (forced || queued) return running.isEmpty() ? exhausted() : this;
      return askNext(Mode.NORMAL);
    }
    Permit permit = ((ProviderActor.Granted) msg.reply()).permit();
    Candidate candidate = route.candidates().get(asked.candidate());
    boolean hedge = asked.mode() == Mode.HEDGE;
    if (hedge) {
      hedgesStarted++;
      providers.get(candidate.provider()).metrics().hedgeStarted(candidate.upstreamModel());
    }
    startAttempt(candidate, permit, hedge);
    return this;
  }

  private void startAttempt(Candidate candidate, Permit permit, boolean hedge) {
    if (streamUpstream) startStreamedAttempt(candidate, permit, hedge);
    else startPlainAttempt(candidate, permit);
  }

  private void startStreamedAttempt(Candidate candidate, Permit permit, boolean hedge) {
    int id = attemptsStarted++;
    ProviderHandle provider = providers.get(candidate.provider());
    var run = AttemptPipeline.of(provider.adapter(), request, candidate, timeoutsOf(provider), permit)
        .toMat(Handoff.sink(), Keep.both())
        .run(materializer);
    running.put(id, new Attempt(id, candidate, hedge, permit, System.nanoTime(), new Streamed(run.first())));
    Handoff<ChatChunk> answer = run.second();
    getContext().pipeToSelf(answer.first(), (Optional<ChatChunk> first, Throwable failure) -> {
      if (failure != null) return new AttemptFailed(id, UpstreamClient.asUpstream(failure).error());
      if (first.isEmpty() || !first.get().isDecisive()) {
        answer.cancel();
        return new AttemptFailed(id, NO_CONTENT);
      }
      return new FirstToken(id, answer);
    });
    if (mayHedgeLater()) {
      permit.firstTokenDeadline().ifPresent(d -> timers.startSingleTimer(new FirstTokenDeadline(id), new FirstTokenDeadline(id), d));
    }
  }

  /**
   * A plain request on a route that does not hedge needs no stream: one plain upstream call under the
   * shortest of the attempt's deadlines (nothing arrives before the whole answer), whose permit this actor
   * returns itself. A good answer goes to the client from the thread that read it, then this actor hears of
   * it: passing it through here first would put a thread wake-up between the upstream and the client.
   * Failures come here, to fail over.
   */
  private void startPlainAttempt(Candidate candidate, Permit permit) {
    int id = attemptsStarted++;
    int attempts = attemptsStarted; // no other attempt starts while this one runs: a route that hedges streams
    ProviderHandle provider = providers.get(candidate.provider());
    CompletableFuture<ChatCompletion> call = provider.adapter().completeChat(request, candidate.upstreamModel())
        .toCompletableFuture();
    PlainCall plain = new PlainCall(call, new AtomicBoolean());
    running.put(id, new Attempt(id, candidate, false, permit, System.nanoTime(), plain));
    timers.startSingleTimer(new AnswerDeadline(id), new AnswerDeadline(id), AttemptDeadlines.forWholeAnswer(timeoutsOf(provider)));
    ActorRef<Command> self = getContext().getSelf();
    call.whenComplete((completion, failure) -> {
      if (failure != null) {
        self.tell(new AttemptFailed(id, UpstreamClient.asUpstream(failure).error()));
      } else if (completion.choices().isEmpty()) {
        self.tell(new AttemptFailed(id, NO_CONTENT));
      } else if (plain.settle()) {
        replyTo.tell(new ExchangeReply.Completed(candidate.provider(), attempts, completion));
        self.tell(new Answered(id, completion));
      }
    });
  }

  private AttemptTimeouts timeoutsOf(ProviderHandle provider) {
    return route.timeouts().orElse(provider.timeouts());
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private boolean mayHedgeLater() {
    return route.hedging().active() && hedgesStarted < route.hedging().maxExtraAttempts()
        && nextCandidate < route.candidates().size() && attemptsStarted < route.maxAttempts();
  }

  private Behavior<Command> onFirstTokenDeadline(FirstTokenDeadline msg) {
    Attempt late = running.get(msg.attempt());
    if (late == null || pending != null || !mayHedgeLater()) return this;
    if (!budget.tryHedge()) {
      providers.get(late.candidate().provider()).metrics().hedgeDenied(late.candidate().upstreamModel());
      return this;
    }
    return askNext(Mode.HEDGE);
  }

  private Behavior<Command> onFirstToken(FirstToken msg) {
    Attempt winner = running.remove(msg.attempt());
    if (winner == null) return this;
    timers.cancel(new FirstTokenDeadline(winner.id()));
    abortOthers();
    if (winner.hedge()) providers.get(winner.candidate().provider()).metrics().hedgeWon(winner.candidate().upstreamModel());
    replyTo.tell(new ExchangeReply.Streaming(winner.candidate().provider(), attemptsStarted, hedgesStarted > 0,
        msg.answer().source()));
    return finish();
  }

  /** The answer is with the client already: what is left is the permit, with the latency as this actor sees it. */
  private Behavior<Command> onAnswered(Answered msg) {
    Attempt winner = running.remove(msg.attempt()); // still there: whoever gives up on a call claims it first
    timers.cancel(new AnswerDeadline(msg.attempt()));
    Duration latency = winner.elapsed();
    winner.permit().release(new Outcome.Succeeded(latency, Optional.of(latency), msg.completion().usage()));
    return finish();
  }

  private Behavior<Command> onAnswerDeadline(AnswerDeadline msg) {
    Attempt late = running.get(msg.attempt());
    if (late == null || !late.settle()) return this; // answered in the meantime
    return onAttemptFailed(new AttemptFailed(msg.attempt(),
        AttemptDeadlines.missedWholeAnswer(timeoutsOf(providers.get(late.candidate().provider())))));
  }

  private Behavior<Command> onAttemptFailed(AttemptFailed msg) {
    Attempt failed = running.remove(msg.attempt());
    if (failed == null) return this;
    if (failed.plain()) {
      timers.cancel(new AnswerDeadline(msg.attempt()));
      failed.abandonPlainCall(); // after its deadline the call is still out: its answer would come to no one
      failed.permit().release(new Outcome.Failed(msg.error().errorClass(), failed.elapsed(), msg.error().retryAfter()));
    }
    return failed(failed, msg.error());
  }

  private Behavior<Command> failed(Attempt failed, UpstreamError error) {
    timers.cancel(new FirstTokenDeadline(failed.id()));
    lastError = error;
    getContext().getLog().debug("Attempt on {} failed: {}", failed.candidate().provider(), error.errorClass().label());
    if (!error.errorClass().retryable()) {
      abortOthers();
      replyTo.tell(new ExchangeReply.Failed(error, attemptsStarted));
      return finish();
    }
    // with another attempt still running (a hedge, or the original), let it carry on; otherwise fail over
    if (!running.isEmpty() || pending != null) return this;
    return askNext(Mode.NORMAL);
  }

  private void abortOthers() {
    for (Attempt other : running.values()) {
      timers.cancel(new FirstTokenDeadline(other.id()));
      timers.cancel(new AnswerDeadline(other.id()));
      other.abort();
    }
    running.clear();
  }

  /** Stopped with a plain attempt still out (it cannot be, short of a bug): its permit must come back all the same. */
  private Behavior<Command> onPostStop(PostStop signal) {
    abortOthers();
    return this;
  }

  /** Stops now, or once the outstanding permit request is answered, so a late grant is handed back. */
  private Behavior<Command> finish() {
    if (pending == null) return Behaviors.stopped();
    return Behaviors.receive(Command.class)
        .onMessage(PermitAnswer.class, msg -> {
          if (msg.reply() instanceof ProviderActor.Granted g) g.permit().release(new Outcome.Cancelled(Duration.ZERO, true));
          return Behaviors.stopped();
        })
        .build();
  }

  private ProviderHandle handle(int candidate) {
    return providers.get(route.candidates().get(candidate).provider());
  }
}
