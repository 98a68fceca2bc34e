package io.hedgerow.router.actor;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.chat.json.EmbeddingRequestReader;
import io.hedgerow.providers.upstream.DirectFuture;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.HedgingSettings;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.routing.RouteTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A {@link Router} over scripted providers, with the few things a test does to it: dispatch a request,
 * take a provider's permit, read a provider's snapshot.
 */
final class RouterUnderTest {
  static final Duration REPLY_WITHIN = Duration.ofSeconds(5);
  static final AttemptTimeouts PATIENT = new AttemptTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));

  private final ActorTestKit kit;
  private final ActorRef<Router.Command> router;
  private final Map<String, ActorRef<ProviderActor.Command>> providers;

  private RouterUnderTest(ActorTestKit kit, ActorRef<Router.Command> router) {
    this.kit = kit;
    this.router = router;
    TestProbe<Map<String, ActorRef<ProviderActor.Command>>> probe = kit.createTestProbe();
    router.tell(new Router.GetProviders(probe.ref()));
    this.providers = probe.receiveMessage(REPLY_WITHIN);
  }

  static Builder with(ActorTestKit kit) {
    return new Builder(kit);
  }

  static final class Builder {
    private final ActorTestKit kit;
    private final Map<String, ProviderConfig> configs = new LinkedHashMap<>();
    private final Map<String, ScriptedAdapter> adapters = new LinkedHashMap<>();
    private final Map<String, Route> routes = new LinkedHashMap<>();

    private Builder(ActorTestKit kit) {
      this.kit = kit;
    }

    Builder provider(String name, ScriptedAdapter adapter) {
      return provider(name, adapter, 8, PATIENT);
    }

    Builder provider(String name, ScriptedAdapter adapter, int maxConcurrent, AttemptTimeouts timeouts) {
      ProviderSettings settings = new ProviderSettings(
          name, "scripted", "http://" + name + ".invalid", Optional.empty(), Map.of(), ConfigFactory.empty());
      configs.put(name, new ProviderConfig(settings, maxConcurrent, timeouts));
      adapters.put(name, adapter);
      return this;
    }

    /** A route trying the named providers in order, each serving the model {@code <provider>-model}. */
    Builder route(String name, int maxAttempts, String... providerNames) {
      routes.put(name, new Route(name,
          Arrays.stream(providerNames).map(p -> new Candidate(p, p + "-model", name)).toList(), maxAttempts,
          HedgingSettings.OFF, Optional.empty()));
      return this;
    }

    RouterUnderTest start() {
      RouteTable table = new RouteTable(routes, configs.keySet());
      Map<String, ScriptedAdapter> byName = Map.copyOf(adapters);
      return new RouterUnderTest(kit,
          kit.spawn(Router.create(table, Map.copyOf(configs), system -> config -> byName.get(config.name()))));
    }
  }

  static ChatRequest chat(String model) {
    return chat(model, true);
  }

  static ChatRequest chat(String model, boolean stream) {
    String body = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return ChatRequestReader.read(body.getBytes(StandardCharsets.UTF_8));
  }

  static EmbeddingRequest embeddingOf(String model) {
    String body = "{\"model\":\"" + model + "\",\"input\":[\"a hedgerow\"]}";
    return EmbeddingRequestReader.read(body.getBytes(StandardCharsets.UTF_8));
  }

  ExchangeReply dispatch(String model) {
    TestProbe<ExchangeReply> probe = kit.createTestProbe();
    router.tell(new Router.Dispatch(chat(model), probe.ref()));
    return probe.receiveMessage(REPLY_WITHIN);
  }

  /** Dispatches a plain request as the HTTP API does, asking: the reply completes the future where it is told. */
  CompletableFuture<ExchangeReply> askPlain(String model) {
    return DirectFuture.of(AskPattern.<Router.Command, ExchangeReply>ask(router,
        replyTo -> new Router.Dispatch(chat(model, false), replyTo), REPLY_WITHIN, kit.system().scheduler()));
  }

  /** Dispatches a plain (unstreamed) request. */
  ExchangeReply dispatchPlain(String model) {
    TestProbe<ExchangeReply> probe = kit.createTestProbe();
    router.tell(new Router.Dispatch(chat(model, false), probe.ref()));
    return probe.receiveMessage(REPLY_WITHIN);
  }

  EmbeddingExchange.Reply embed(String model) {
    TestProbe<EmbeddingExchange.Reply> probe = kit.createTestProbe();
    router.tell(new Router.DispatchEmbedding(embeddingOf(model), probe.ref()));
    return probe.receiveMessage(REPLY_WITHIN);
  }

  ActorRef<ProviderActor.Command> provider(String name) {
    return providers.get(name);
  }

  ProviderSnapshot snapshot(String provider) {
    TestProbe<ProviderSnapshot> probe = kit.createTestProbe();
    providers.get(provider).tell(new ProviderActor.GetSnapshot(probe.ref()));
    return probe.receiveMessage(REPLY_WITHIN);
  }

  /** Waits until the provider's snapshot satisfies the assertion: permits come back asynchronously. */
  void awaitSnapshot(String provider, Consumer<ProviderSnapshot> assertion) {
    TestProbe<ProviderSnapshot> probe = kit.createTestProbe();
    probe.awaitAssert(REPLY_WITHIN, () -> {
      providers.get(provider).tell(new ProviderActor.GetSnapshot(probe.ref()));
      assertion.accept(probe.receiveMessage(REPLY_WITHIN));
      return null;
    });
  }

  /** Takes one of the provider's permits, as a concurrent request would. */
  Permit holdPermit(String provider) {
    TestProbe<ProviderActor.AcquireReply> probe = kit.createTestProbe();
    providers.get(provider).tell(new ProviderActor.Acquire(probe.ref()));
    return ((ProviderActor.Granted) probe.receiveMessage(REPLY_WITHIN)).permit();
  }
}
