package io.hedgerow.router.actor;

import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.routing.Candidate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Serves one embeddings request: the route's candidates that serve embeddings, in order, each under a
 * permit of its provider, moving on after a retryable failure.
 */
public final class EmbeddingExchange extends AbstractBehavior<EmbeddingExchange.Command> {

  public sealed interface Command {}

  private record PermitAnswer(int candidate, ProviderActor.AcquireReply reply) implements Command {}

  private record Answered(int candidate, Permit permit, long startNanos, EmbeddingResult result, Throwable failure)
      implements Command {}

  /** How an embeddings request ended. */
  public sealed interface Reply {}

  public record Embedded(String provider, int attempts, EmbeddingResult result) implements Reply {}

  public record Failed(UpstreamError error, int attempts) implements Reply {}

  /** No candidate of the model serves embeddings; {@code known} says whether the model exists at all. */
  public record Unsupported(String model, boolean known) implements Reply {}

  public static Behavior<Command> create(EmbeddingRequest request, List<Candidate> candidates, int maxAttempts,
      Map<String, ProviderHandle> providers, ActorRef<Reply> replyTo) {
    return Behaviors.setup(ctx -> new EmbeddingExchange(ctx, request, candidates, maxAttempts, providers, replyTo).tryCandidate(0));
  }

  private final EmbeddingRequest request;
  private final List<Candidate> candidates;
  private final int maxAttempts;
  private final Map<String, ProviderHandle> providers;
  private final ActorRef<Reply> replyTo;
  private int attempts;
  private UpstreamError lastError;

  private EmbeddingExchange(ActorContext<Command> ctx, EmbeddingRequest request, List<Candidate> candidates,
      int maxAttempts, Map<String, ProviderHandle> providers, ActorRef<Reply> replyTo) {
    super(ctx);
    this.request = request;
    this.candidates = candidates;
    this.maxAttempts = maxAttempts;
    this.providers = providers;
    this.replyTo = replyTo;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(PermitAnswer.class, this::onPermitAnswer)
        .onMessage(Answered.class, this::onAnswered)
        .build();
  }

  private Behavior<Command> tryCandidate(int i) {
    if (i >= candidates.size() || attempts >= maxAttempts) {
      replyTo.tell(new Failed(lastError, attempts));
      return Behaviors.stopped();
    }
    ProviderHandle provider = providers.get(candidates.get(i).provider());
    getContext().ask(ProviderActor.AcquireReply.class, provider.actor(), Duration.ofSeconds(5), ProviderActor.Acquire::new,
        (reply, failure) -> new PermitAnswer(i, reply != null ? reply
            : new ProviderActor.Rejected(candidates.get(i).provider(), ProviderActor.RejectReason.CAPACITY, Optional.empty())));
    return this;
  }

  private Behavior<Command> onPermitAnswer(PermitAnswer msg) {
    if (msg.reply() instanceof ProviderActor.Rejected) {
      if (lastError == null) {
        lastError = new UpstreamError(ErrorClass.RATE_LIMITED, 429, "Every provider of this model is at capacity.",
            Optional.of(Duration.ofSeconds(1)));
      }
      return tryCandidate(msg.candidate() + 1);
    }
    Permit permit = ((ProviderActor.Granted) msg.reply()).permit();
    Candidate candidate = candidates.get(msg.candidate());
    attempts++;
    long start = System.nanoTime();
    getContext().pipeToSelf(providers.get(candidate.provider()).adapter().embed(request, candidate.upstreamModel()),
        (result, failure) -> new Answered(msg.candidate(), permit, start, result, failure));
    return this;
  }

  private Behavior<Command> onAnswered(Answered msg) {
    Duration latency = Duration.ofNanos(System.nanoTime() - msg.startNanos());
    if (msg.failure() == null) {
      // No first token: an embedding's whole latency would skew the TTFT that hedging deadlines come from.
      msg.permit().release(new Outcome.Succeeded(latency, Optional.empty(),
          Optional.of(Usage.of(msg.result().promptTokens(), 0))));
      replyTo.tell(new Embedded(candidates.get(msg.candidate()).provider(), attempts, msg.result()));
      return Behaviors.stopped();
    }
    UpstreamError error = UpstreamClient.asUpstream(msg.failure()).error();
    msg.permit().release(new Outcome.Failed(error.errorClass(), latency));
    lastError = error;
    if (!error.errorClass().retryable()) {
      replyTo.tell(new Failed(error, attempts));
      return Behaviors.stopped();
    }
    return tryCandidate(msg.candidate() + 1);
  }
}
