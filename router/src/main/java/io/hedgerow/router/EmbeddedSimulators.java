package io.hedgerow.router;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.sim.SimServer;
import io.hedgerow.providers.sim.SimSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The simulated providers the embedded default runs in the gateway's process, in an actor system of
 * their own so they behave like a separate upstream. Providers reach them as {@code sim://name/path}.
 */
public final class EmbeddedSimulators {
  private static final String SCHEME = "sim://";

  private final ActorSystem<Void> system;
  private final Map<String, SimServer> servers;

  private EmbeddedSimulators(ActorSystem<Void> system, Map<String, SimServer> servers) {
    this.system = system;
    this.servers = servers;
  }

  public static EmbeddedSimulators none() {
    return new EmbeddedSimulators(null, Map.of());
  }

  /** Starts every instance of {@code hedgerow.sim.instances}. */
  public static CompletionStage<EmbeddedSimulators> start(Config hedgerow) {
    List<SimSettings> instances = new ArrayList<>();
    for (Config instance : hedgerow.getConfigList("sim.instances")) instances.add(SimSettings.fromConfig(instance));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hedgerow-sim",
        ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\npekko.loglevel = WARNING")
            .withFallback(ConfigFactory.defaultReference()));
    List<CompletableFuture<SimServer>> started = new ArrayList<>();
    instances.forEach(s -> started.add(SimServer.start(system, s).toCompletableFuture()));
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).handle((v, e) -> {
      if (e != null) {
        system.terminate();
        throw new IllegalStateException("The embedded simulator could not start: " + e.getMessage(), e);
      }
      Map<String, SimServer> byName = new LinkedHashMap<>();
      started.forEach(f -> byName.put(f.join().name(), f.join()));
      return new EmbeddedSimulators(system, Map.copyOf(byName));
    });
  }

  /**
   * Rewrites {@code sim://name/path} to the running instance's address; other URLs are returned as they are.
   * Throws {@link IllegalArgumentException} for a simulator that does not run; the caller knows the config path.
   */
  public String resolve(String url) {
    if (!url.startsWith(SCHEME)) return url;
    String rest = url.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String name = slash < 0 ? rest : rest.substring(0, slash);
    SimServer sim = servers.get(name);
    if (sim == null) {
      throw new IllegalArgumentException("'" + url + "' names simulator '" + name
          + "', but no such instance runs (set hedgerow.sim.embedded = on and list it in hedgerow.sim.instances)");
    }
    return sim.baseUrl() + (slash < 0 ? "" : rest.substring(slash));
  }

  public Map<String, SimServer> servers() {
    return servers;
  }

  public CompletionStage<Done> stop() {
    if (system == null) return CompletableFuture.completedFuture(Done.done());
    CompletableFuture<?>[] stops = servers.values().stream().map(s -> s.stop().toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(stops).handle((v, e) -> {
      system.terminate();
      return null;
    }).thenCompose(v -> system.getWhenTerminated());
  }
}
