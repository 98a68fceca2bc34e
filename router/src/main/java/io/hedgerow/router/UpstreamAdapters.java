package io.hedgerow.router;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.ProviderKinds;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamObserver;
import io.hedgerow.providers.upstream.http1.Http1Client;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.actor.Router;
import io.hedgerow.router.config.GatewaySettings;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.dispatch.EventLoopExecutor;
import io.hedgerow.router.limits.RateLimitObserver;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Builds each configured provider's adapter of its kind, over the gateway's one upstream HTTP client (its
 * connection pools are per origin), telling the provider's actor the rate-limit headers of every response.
 */
final class UpstreamAdapters implements Router.Adapters {
  private final Http1Client http;
  private final GatewaySettings settings;

  /** Made by the router as it starts, on a thread of the gateway's dispatcher: on its event loops, if it has them. */
  UpstreamAdapters(ActorSystem<?> system, GatewaySettings settings) {
    this.http = EventLoopExecutor.currentLoops()
        .map(loops -> new Http1Client(settings.upstreamConnections(), loops))
        .orElseGet(() -> new Http1Client(settings.upstreamConnections()));
    this.settings = settings;
    system.getWhenTerminated().thenRun(http::close);
  }

  @Override
  public ProviderAdapter adapterFor(ProviderConfig provider) {
    return adapter(provider, UpstreamObserver.NONE);
  }

  @Override
  public ProviderAdapter adapterFor(ProviderConfig provider, ActorRef<ProviderActor.Command> actor) {
    return adapter(provider, new RateLimitObserver(signals -> actor.tell(new ProviderActor.LearnedLimits(signals))));
  }

  private ProviderAdapter adapter(ProviderConfig provider, UpstreamObserver observer) {
    UpstreamClient client = new UpstreamClient(
        http, settings.maxUpstreamResponseBytes(), settings.maxUpstreamEventBytes(), observer);
    return ProviderKinds.of(provider.adapter().kind()).orElseThrow().factory().create(provider.adapter(), client);
  }
}
