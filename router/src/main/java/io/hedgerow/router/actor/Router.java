package io.hedgerow.router.actor;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.HedgeBudget;
import io.hedgerow.router.metrics.GatewayMetrics;
import io.hedgerow.router.metrics.ProviderMetrics;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.routing.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The supervisor: owns one {@link ProviderActor} per configured provider and each route's hedge budget,
 * resolves each request's model to a route and hands the request to a new {@link Exchange}. Its per-request work is a map lookup and
 * a spawn, so it does not become the bottleneck.
 */
public final class Router extends AbstractBehavior<Router.Command> {

  public sealed interface Command {}

  public record Dispatch(ChatRequest request, ActorRef<ExchangeReply> replyTo) implements Command {}

  /** An embeddings request, handed to an {@link EmbeddingExchange} unless the model serves none. */
  public record DispatchEmbedding(EmbeddingRequest request, ActorRef<EmbeddingExchange.Reply> replyTo) implements Command {}

  /** Asks for the provider actors, e.g. to read their snapshots. */
  public record GetProviders(ActorRef<Map<String, ActorRef<ProviderActor.Command>>> replyTo) implements Command {}

  /** Builds each provider's adapter; given the actor system, which adapters need for their HTTP client. */
  public interface Adapters {
    ProviderAdapter adapterFor(ProviderConfig provider);

    /**
     * The adapter of a provider whose actor is {@code actor}: an adapter over a real HTTP client reports
     * the provider's rate-limit headers to it ({@link ProviderActor.LearnedLimits}).
     */
    default ProviderAdapter adapterFor(ProviderConfig provider, ActorRef<ProviderActor.Command> actor) {
      return adapterFor(provider);
    }
  }

  public static Behavior<Command> create(
      RouteTable routes, Map<String, ProviderConfig> providers, Function<ActorSystem<?>, Adapters> adapters) {
    return create(routes, providers, adapters, GatewayMetrics.off());
  }

  public static Behavior<Command> create(RouteTable routes, Map<String, ProviderConfig> providers,
      Function<ActorSystem<?>, Adapters> adapters, GatewayMetrics metrics) {
    return Behaviors.setup(ctx -> new Router(ctx, routes, providers, adapters.apply(ctx.getSystem()), metrics));
  }

  private final RouteTable routes;
  private final Map<String, ProviderHandle> handles;
  private final Map<String, ActorRef<ProviderActor.Command>> actors;
  private final Map<String, HedgeBudget> budgets = new java.util.HashMap<>();

  private Router(ActorContext<Command> ctx, RouteTable routes, Map<String, ProviderConfig> providers, Adapters adapters,
      GatewayMetrics metrics) {
    super(ctx);
    this.routes = routes;
    Map<String, ProviderHandle> h = new java.util.HashMap<>();
    Map<String, ActorRef<ProviderActor.Command>> a = new java.util.TreeMap<>();
    providers.forEach((name, config) -> {
      ProviderMetrics providerMetrics = metrics.provider(name);
      ActorRef<ProviderActor.Command> ref = ctx.spawn(
          Behaviors.supervise(ProviderActor.create(config, providerMetrics, System::nanoTime))
              .onFailure(SupervisorStrategy.restart()), "provider-" + name);
      h.put(name, new ProviderHandle(ref, adapters.adapterFor(config, ref), config.timeouts(),
          config.limits().queueTimeout(), providerMetrics, config.limits().tokensPerMinute().isPresent()));
      a.put(name, ref);
    });
    this.handles = Map.copyOf(h);
    this.actors = java.util.Collections.unmodifiableMap(a);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Dispatch.class, this::onDispatch)
        .onMessage(DispatchEmbedding.class, this::onDispatchEmbedding)
        .onMessage(GetProviders.class, this::onGetProviders)
        .build();
  }

  private Behavior<Command> onDispatch(Dispatch msg) {
    Optional<Route> route = routes.resolve(msg.request().model());
    if (route.isEmpty()) {
      msg.replyTo().tell(new ExchangeReply.UnknownModel(msg.request().model()));
      return this;
    }
    HedgeBudget budget = budgets.computeIfAbsent(route.get().name(), n -> new HedgeBudget(route.get().hedging()));
    getContext().spawnAnonymous(Exchange.create(msg.request(), route.get(), handles, budget, msg.replyTo()));
    return this;
  }

  private Behavior<Command> onDispatchEmbedding(DispatchEmbedding msg) {
    Optional<Route> route = routes.resolve(msg.request().model());
    List<Candidate> capable = route.map(r -> r.candidates().stream()
        .filter(c -> handles.get(c.provider()).adapter().supportsEmbeddings()).toList()).orElse(List.of());
    if (capable.isEmpty()) {
      msg.replyTo().tell(new EmbeddingExchange.Unsupported(msg.request().model(), route.isPresent()));
      return this;
    }
    getContext().spawnAnonymous(
        EmbeddingExchange.create(msg.request(), capable, route.get().maxAttempts(), handles, msg.replyTo()));
    return this;
  }

  private Behavior<Command> onGetProviders(GetProviders msg) {
    msg.replyTo().tell(actors);
    return this;
  }
}
