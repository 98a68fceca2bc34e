package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.stream.AttemptPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Serves one request: walks its route's candidates, takes a permit, starts an attempt, and moves on
 * after a retryable failure before the first token. The first token settles it: the exchange hands the
 * winning stream to the client and stops. Tokens never pass through this actor.
 */
public final class Exchange extends AbstractBehavior<Exchange.Command> {

  public sealed interface Command {}

  private record PermitAnswer(int candidate, ProviderActor.AcquireReply reply) implements Command {}

  private record FirstToken(int candidate, List<ChatChunk> head, Source<ChatChunk, NotUsed> tail) implements Command {}

  private record AttemptFailed(int candidate, UpstreamError error) implements Command {}

  public static Behavior<Command> create(
      ChatRequest request, Route route, Map<String, ProviderHandle> providers, ActorRef<ExchangeReply> replyTo) {
    return Behaviors.setup(ctx -> new Exchange(ctx, request, route, providers, replyTo).start());
  }

  private final ChatRequest request;
  private final Route route;
  private final Map<String, ProviderHandle> providers;
  private final ActorRef<ExchangeReply> replyTo;
  private final Materializer materializer;
  private int attempts;
  private UpstreamError lastError;

  private Exchange(ActorContext<Command> ctx, ChatRequest request, Route route,
      Map<String, ProviderHandle> providers, ActorRef<ExchangeReply> replyTo) {
    super(ctx);
    this.request = request;
    this.route = route;
    this.providers = providers;
    this.replyTo = replyTo;
    this.materializer = Materializer.matFromSystem(ctx.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PermitAnswer.class, this::onPermitAnswer)
        .onMessage(FirstToken.class, this::onFirstToken)
        .onMessage(AttemptFailed.class, this::onAttemptFailed)
        .build();
  }

  private Behavior<Command> start() {
    return tryCandidate(0);
  }

  /** Asks candidate {@code i} for a permit, or gives up when the route is exhausted. */
  private Behavior<Command> tryCandidate(int i) {
    if (i >= route.candidates().size() || attempts >= route.maxAttempts()) {
      replyTo.tell(new ExchangeReply.Failed(lastError, attempts));
      return Behaviors.stopped();
    }
    ProviderHandle provider = providers.get(route.candidates().get(i).provider());
    getContext().ask(ProviderActor.AcquireReply.class, provider.actor(), PERMIT_TIMEOUT,
        ProviderActor.Acquire::new,
        (reply, failure) -> new PermitAnswer(i, reply != null ? reply
            : new ProviderActor.Rejected(provider.actor().path().name(), "did not answer in time")));
    return this;
  }

  private Behavior<Command> onPermitAnswer(PermitAnswer msg) {
    if (msg.reply() instanceof ProviderActor.Rejected r) {
      if (lastError == null || lastError.errorClass() == ErrorClass.RATE_LIMITED) {
        lastError = new UpstreamError(ErrorClass.RATE_LIMITED, 429,
            "Every provider of '" + route.name() + "' is at capacity.", Optional.of(Duration.ofSeconds(1)));
      }
      return tryCandidate(msg.candidate() + 1);
    }
    Permit permit = ((ProviderActor.Granted) msg.reply()).permit();
    Candidate candidate = route.candidates().get(msg.candidate());
    ProviderHandle provider = providers.get(candidate.provider());
    attempts++;
    var head = AttemptPipeline.of(provider.adapter(), request, candidate, request.stream(), provider.timeouts(), permit)
        .prefixAndTail(1)
        .toMat(Sink.head(), (killSwitch, first) -> first)
        .run(materializer);
    int i = msg.candidate();
    getContext().pipeToSelf(head, (Pair<List<ChatChunk>, Source<ChatChunk, NotUsed>> first, Throwable failure) -> {
      if (failure != null) return new AttemptFailed(i, UpstreamClient.asUpstream(failure).error());
      if (first.first().isEmpty()) {
        return new AttemptFailed(i, UpstreamError.of(ErrorClass.SERVER_ERROR, 200,
            "The upstream ended its answer without any content."));
      }
      return new FirstToken(i, first.first(), first.second());
    });
    return this;
  }

  private Behavior<Command> onFirstToken(FirstToken msg) {
    String provider = route.candidates().get(msg.candidate()).provider();
    replyTo.tell(new ExchangeReply.Streaming(provider, attempts, Source.from(msg.head()).concat(msg.tail())));
    return Behaviors.stopped();
  }

  private Behavior<Command> onAttemptFailed(AttemptFailed msg) {
    lastError = msg.error();
    getContext().getLog().debug("Attempt on {} failed: {}", route.candidates().get(msg.candidate()).provider(),
        msg.error().errorClass().label());
    if (!msg.error().errorClass().retryable()) {
      replyTo.tell(new ExchangeReply.Failed(msg.error(), attempts));
      return Behaviors.stopped();
    }
    return tryCandidate(msg.candidate() + 1);
  }

  private static final Duration PERMIT_TIMEOUT = Duration.ofSeconds(5);
}
