package io.hedgerow.router.routing;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a client's {@code model} field: a route name, a model alias, or {@code provider/upstream-model}
 * for any configured provider. Immutable, so any thread may read it.
 */
public final class RouteTable {
  private final Map<String, Route> routes;
  private final Set<String> providers;

  public RouteTable(Map<String, Route> routes, Set<String> providers) {
    this.routes = Map.copyOf(routes);
    this.providers = Set.copyOf(providers);
  }

  public Optional<Route> resolve(String model) {
    Route r = routes.get(model);
    if (r != null) return Optional.of(r);
    int slash = model.indexOf('/');
    if (slash > 0 && slash < model.length() - 1 && providers.contains(model.substring(0, slash))) {
      String provider = model.substring(0, slash);
      return Optional.of(Route.single(model, new Candidate(provider, model.substring(slash + 1), model)));
    }
    return Optional.empty();
  }

  /** Every named route and model alias, for {@code GET /v1/models}. */
  public Map<String, Route> named() {
    return routes;
  }
}
