package io.hedgerow.router.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.hedgerow.providers.ProviderKind;
import io.hedgerow.providers.ProviderKinds;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.upstream.ApiKey;
import io.hedgerow.providers.upstream.http1.Http1Settings;
import io.hedgerow.router.hedging.HedgingSettings;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.routing.RouteTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the gateway reads from {@code hedgerow.*}, validated once at startup: a mistake stops the
 * gateway with the config path and what is wrong, never a half-working gateway.
 */
public record GatewaySettings(
    HttpSettings http, int maxUpstreamResponseBytes, int maxUpstreamEventBytes, Http1Settings upstreamConnections,
    Map<String, ProviderConfig> providers, RouteTable routes) {

  private static final Logger log = LoggerFactory.getLogger(GatewaySettings.class);
  private static final ApiKey SIMULATOR_KEY = new ApiKey("simulated-provider");

  /**
   * Reads {@code hedgerow.*}. {@code resolveBaseUrl} rewrites base URLs (the embedded simulator's
   * {@code sim://name} addresses) and throws {@link IllegalArgumentException} for one it cannot; {@code env}
   * supplies credentials by the variable names the config gives.
   */
  public static GatewaySettings load(Config root, Environment env, UnaryOperator<String> resolveBaseUrl) {
    Config h = root.getConfig("hedgerow");
    Config providerDefaults = h.getConfig("provider-defaults");
    Map<String, ProviderConfig> providers = new LinkedHashMap<>();
    Config providersBlock = h.getConfig("providers");
    for (String name : providersBlock.root().keySet()) {
      String path = "hedgerow.providers." + quoted(name);
      Config block = providersBlock.getConfig(quoted(name)).withFallback(providerDefaults);
      providers.put(name, provider(name, path, block, env, resolveBaseUrl));
    }
    if (providers.isEmpty()) throw new ConfigException.Generic("hedgerow.providers: no provider is configured");

    Config routeDefaults = h.getConfig("route-defaults");
    Map<String, Route> routes = new LinkedHashMap<>();
    Config models = h.getConfig("models");
    for (String alias : models.root().keySet()) {
      String path = "hedgerow.models." + quoted(alias);
      Config m = models.getConfig(quoted(alias));
      String provider = m.getString("provider");
      if (!providers.containsKey(provider)) {
        throw new ConfigException.BadValue(path + ".provider", "no provider named '" + provider + "' is configured");
      }
      routes.put(alias, Route.single(alias, new Candidate(provider, m.getString("upstream-model"), alias)));
    }
    Config routesBlock = h.getConfig("routes");
    for (String name : routesBlock.root().keySet()) {
      String path = "hedgerow.routes." + quoted(name);
      if (routes.containsKey(name)) throw new ConfigException.BadValue(path, "a model alias has the same name");
      Config r = routesBlock.getConfig(quoted(name)).withFallback(routeDefaults);
      List<Candidate> candidates = new ArrayList<>();
      for (String target : r.getStringList("targets")) {
        Route single = routes.get(target);
        if (single == null) {
          throw new ConfigException.BadValue(path + ".targets", "'" + target + "' is not a model alias under hedgerow.models");
        }
        candidates.addAll(single.candidates());
      }
      if (candidates.isEmpty()) throw new ConfigException.BadValue(path + ".targets", "a route needs at least one target");
      int attempts = r.getInt("max-attempts");
      if (attempts < 1) throw new ConfigException.BadValue(path + ".max-attempts", "must be at least 1");
      HedgingSettings hedging;
      try {
        hedging = HedgingSettings.fromConfig(r.getConfig("hedging"));
      } catch (ConfigException e) {
        throw new ConfigException.BadValue(path + ".hedging", e.getMessage());
      }
      Optional<AttemptTimeouts> timeouts = r.hasPath("timeouts")
          ? Optional.of(AttemptTimeouts.fromConfig(r.getConfig("timeouts").withFallback(providerDefaults.getConfig("timeouts"))))
          : Optional.empty();
      routes.put(name, new Route(name, List.copyOf(candidates), attempts, hedging, timeouts));
    }
    return new GatewaySettings(
        HttpSettings.fromConfig(h.getConfig("http")),
        (int) Math.min(Integer.MAX_VALUE, h.getBytes("upstream.max-response-size")),
        (int) Math.min(Integer.MAX_VALUE, h.getBytes("upstream.max-event-size")),
        upstreamConnections(h.getConfig("upstream.connections"), "hedgerow.upstream.connections"),
        Map.copyOf(providers),
        new RouteTable(routes, providers.keySet()));
  }

  private static Http1Settings upstreamConnections(Config c, String path) {
    try {
      return new Http1Settings(IoThreads.read(c), c.getInt("max-connections-per-host"), c.getInt("max-waiting-per-host"),
          c.getDuration("connect-timeout"), c.getDuration("idle-timeout"), c.getDuration("response-idle-timeout"),
          Http1Settings.defaultTls());
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(path, e.getMessage());
    }
  }

  private static ProviderConfig provider(
      String name, String path, Config block, Environment env, UnaryOperator<String> resolveBaseUrl) {
    String kind = block.getString("kind");
    if (ProviderKinds.of(kind).isEmpty()) {
      throw new ConfigException.BadValue(path + ".kind", "unknown provider kind '" + kind + "'; known kinds: " + ProviderKinds.names());
    }
    Optional<String> configuredUrl = block.hasPath("base-url") ? Optional.of(block.getString("base-url")) : Optional.empty();
    String baseUrl = configuredUrl.or(() -> ProviderKinds.of(kind).flatMap(ProviderKind::defaultBaseUrl))
        .orElseThrow(() -> new ConfigException.Missing(path + ".base-url"));
    Optional<String> keyVariable = block.hasPath("api-key-env")
        ? Optional.of(block.getString("api-key-env")) : ProviderKinds.of(kind).flatMap(ProviderKind::apiKeyEnv);
    Optional<ApiKey> apiKey = keyVariable.flatMap(env::get).map(ApiKey::new);
    if (apiKey.isEmpty() && baseUrl.startsWith("sim://")) {
      apiKey = Optional.of(SIMULATOR_KEY); // the simulator checks that a key is sent, not which
    } else if (keyVariable.isPresent() && apiKey.isEmpty()) {
      log.warn("Provider '{}': environment variable {} is not set; calling it without a key", name, keyVariable.get());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : block.getConfig("headers").entrySet()) {
      headers.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    String resolvedUrl;
    try {
      resolvedUrl = resolveBaseUrl.apply(baseUrl);
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(path + ".base-url", e.getMessage());
    }
    ProviderSettings adapter = new ProviderSettings(name, kind, resolvedUrl, apiKey, Map.copyOf(headers), block);
    return ProviderConfig.of(adapter, block, path);
  }

  private static String quoted(String key) {
    return com.typesafe.config.ConfigUtil.joinPath(key);
  }
}
