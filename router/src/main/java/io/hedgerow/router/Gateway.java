package io.hedgerow.router;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.loop.EventLoopGroup;
import io.hedgerow.providers.sim.SimServer;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.actor.Router;
import io.hedgerow.router.api.ApiRoutes;
import io.hedgerow.router.api.OpenStreams;
import io.hedgerow.router.api.Readiness;
import io.hedgerow.router.cluster.ClusterSettings;
import io.hedgerow.router.cluster.ClusterShares;
import io.hedgerow.router.cluster.ClusterView;
import io.hedgerow.router.cluster.HealthGossip;
import io.hedgerow.router.config.Environment;
import io.hedgerow.router.config.GatewaySettings;
import io.hedgerow.router.dispatch.EventLoopExecutor;
import io.hedgerow.router.limits.TokenEstimator;
import io.hedgerow.router.metrics.GatewayMetrics;
import io.hedgerow.router.server.HttpServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A running Hedgerow: the embedded simulated providers when the config asks for them, the actor system
 * with its router and provider actors, and the HTTP API bound to its port. Shutdown (SIGTERM, or
 * {@link #stop}) stops accepting, lets in-flight streams finish up to the configured deadline, then stops.
 */
public final class Gateway {
  /** How long a finished stream's last bytes get to reach the socket before shutdown closes connections. */
  private static final Duration LAST_BYTES_GRACE = Duration.ofMillis(500);

  private final ActorSystem<Router.Command> system;
  private final HttpServer server;
  private final Map<String, SimServer> sims;
  private final Map<String, ActorRef<ProviderActor.Command>> providers;

  private Gateway(ActorSystem<Router.Command> system, HttpServer server, Map<String, SimServer> sims,
      Map<String, ActorRef<ProviderActor.Command>> providers) {
    this.system = system;
    this.server = server;
    this.sims = sims;
    this.providers = providers;
  }

  /** Starts a gateway from a resolved config (the file over Hedgerow's reference.conf). */
  public static CompletionStage<Gateway> start(Config config, Environment env) {
    Config h = config.getConfig("hedgerow");
    CompletionStage<EmbeddedSimulators> simulators = h.getBoolean("sim.embedded")
        ? EmbeddedSimulators.start(h) : CompletableFuture.completedFuture(EmbeddedSimulators.none());
    return simulators.thenCompose(sims -> {
      GatewaySettings settings;
      ClusterSettings cluster;
      try {
        settings = GatewaySettings.load(config, env, sims::resolve);
        cluster = ClusterSettings.fromConfig(config);
      } catch (RuntimeException e) {
        sims.stop();
        return CompletableFuture.failedFuture(e);
      }
      Config withDeadline = withShutdownDeadline(config, settings.http().shutdownDeadline());
      return launch(cluster.enabled() ? cluster.pekkoConfig().withFallback(withDeadline) : withDeadline, settings, cluster, sims);
    });
  }

  private static CompletionStage<Gateway> launch(Config config, GatewaySettings settings, ClusterSettings cluster,
      EmbeddedSimulators sims) {
    CompletableFuture.runAsync(TokenEstimator::warmUp); // so the first request does not wait for it
    GatewayMetrics metrics = GatewayMetrics.start(config);
    ActorSystem<Router.Command> system = ActorSystem.create(
        Router.create(settings.routes(), settings.providers(), sys -> new UpstreamAdapters(sys, settings), metrics),
        ClusterSettings.SYSTEM_NAME, config);
    Readiness readiness = new Readiness();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "hedgerow-draining", () -> {
      readiness.set(Readiness.State.DRAINING);
      return CompletableFuture.completedFuture(Done.done());
    });
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "hedgerow-stop-simulators", sims::stop);
    return AskPattern.<Router.Command, Map<String, ActorRef<ProviderActor.Command>>>ask(
            system, Router.GetProviders::new, Duration.ofSeconds(10), system.scheduler())
        .thenCompose(providers -> joinCluster(system, cluster, settings, providers).thenCompose(clusterView -> {
          ApiRoutes api = new ApiRoutes(system, system, providers, settings.routes(), settings.http(), readiness, clusterView);
          return EventLoopExecutor.loopsOf(system).thenCompose(dispatcherLoops -> {
            EventLoopGroup loops = dispatcherLoops.orElseGet(() -> ownLoops(system, settings.http().ioThreads()));
            HttpServer server;
            try {
              server = HttpServer.bind(system, settings.http().host(), settings.http().port(), loops, api.handler(system));
            } catch (IOException e) {
              return CompletableFuture.failedFuture(e);
            }
            drainOnShutdown(shutdown, server, api.openStreams(), settings.http().shutdownDeadline());
            readiness.set(Readiness.State.READY);
            return CompletableFuture.completedFuture(new Gateway(system, server, sims.servers(), providers));
          });
        }))
        .whenComplete((g, e) -> {
          if (e != null) {
            system.terminate();
            sims.stop();
          }
        });
  }

  /** Event loops for the server's sockets when Pekko's dispatcher is not made of them (a config's choice). */
  private static EventLoopGroup ownLoops(ActorSystem<?> system, int threads) {
    EventLoopGroup loops = new EventLoopGroup("hedgerow-http-io", threads);
    system.getWhenTerminated().thenRun(loops::shutdown);
    return loops;
  }

  /**
   * On a cluster, starts the actors that keep this node's share of the limits and spread provider health,
   * and waits until this node is Up and its providers carry its share, so it never serves with the whole
   * of a limit. Returns what {@code GET /admin/cluster} shows. Alone, the view is this node with every limit.
   */
  private static CompletionStage<Supplier<CompletionStage<ClusterView>>> joinCluster(ActorSystem<Router.Command> system,
      ClusterSettings cluster, GatewaySettings settings, Map<String, ActorRef<ProviderActor.Command>> providers) {
    if (!cluster.enabled()) {
      ClusterView alone = ClusterShares.singleNode(settings.http().host() + ":" + settings.http().port(), settings.providers());
      return CompletableFuture.completedFuture(() -> CompletableFuture.completedFuture(alone));
    }
    ActorRef<ClusterShares.Command> shares = system.systemActorOf(
        ClusterShares.create(providers, settings.providers(), cluster.shareRole()), "cluster-shares", Props.empty());
    system.systemActorOf(HealthGossip.create(providers), "health-gossip", Props.empty());
    Supplier<CompletionStage<ClusterView>> view = () -> AskPattern.ask(shares, ClusterShares.GetView::new,
        Duration.ofSeconds(3), system.scheduler());
    return AskPattern.<ClusterShares.Command, Done>ask(shares, ClusterShares.AwaitServing::new, cluster.joinTimeout(),
            system.scheduler())
        .thenApply(up -> view);
  }

  /**
   * Stops accepting, lets open streams finish within the deadline, then terminates the connections (each
   * finishes the request in flight). Terminating waits for responses, not their bodies, so streams come first.
   */
  private static void drainOnShutdown(CoordinatedShutdown shutdown, HttpServer server, OpenStreams streams,
      Duration deadline) {
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "hedgerow-unbind", server::unbind);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "hedgerow-finish-streams", () -> {
      long start = System.nanoTime();
      CompletableFuture<Done> finished = streams.allFinished().toCompletableFuture();
      // A stream's last bytes can still be on their way to the socket when its source ends, and terminate
      // resets idle connections at once, so give them a moment before closing the connections.
      CompletableFuture<Done> flushed = finished.isDone() ? finished : finished.thenApplyAsync(d -> d,
          CompletableFuture.delayedExecutor(LAST_BYTES_GRACE.toMillis(), TimeUnit.MILLISECONDS));
      return flushed
          .completeOnTimeout(Done.done(), deadline.toMillis(), TimeUnit.MILLISECONDS)
          .thenCompose(d -> server.terminate(max(deadline.minusNanos(System.nanoTime() - start), Duration.ofSeconds(1))));
    });
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Lets the HTTP drain phase of coordinated shutdown last as long as the configured deadline, plus a margin. */
  private static Config withShutdownDeadline(Config config, Duration deadline) {
    return ConfigFactory.parseMap(Map.of(
            "pekko.coordinated-shutdown.phases.service-requests-done.timeout", deadline.plusSeconds(2).toMillis() + "ms"))
        .withFallback(config);
  }

  public int port() {
    return server.localAddress().getPort();
  }

  public String baseUrl() {
    return "http://" + server.localAddress().getHostString() + ":" + port();
  }

  public ActorSystem<Router.Command> system() {
    return system;
  }

  /** The embedded simulator instances by name (empty when the config runs none). */
  public Map<String, SimServer> simulators() {
    return sims;
  }

  public Map<String, ActorRef<ProviderActor.Command>> providers() {
    return providers;
  }

  /** Stops as SIGTERM does: drain, unbind, stop the simulators, terminate. */
  public CompletionStage<Done> stop() {
    return scala.jdk.javaapi.FutureConverters.asJava(
        CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason()));
  }

  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }
}
