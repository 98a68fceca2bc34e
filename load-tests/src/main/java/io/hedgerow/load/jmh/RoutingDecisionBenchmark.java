package io.hedgerow.load.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.router.actor.Admission;
import io.hedgerow.router.actor.Outcome;
import io.hedgerow.router.actor.ProviderLedger;
import io.hedgerow.router.metrics.ProviderMetrics;
import io.hedgerow.router.config.Environment;
import io.hedgerow.router.config.GatewaySettings;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.hedging.HedgeBudget;
import io.hedgerow.router.limits.Limits;
import io.hedgerow.router.limits.TokenEstimate;
import io.hedgerow.router.limits.TokenEstimator;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.routing.RouteTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The routing decision, per request, over the shipped {@code config/hedgerow.conf} (its {@code chat} route:
 * three OpenAI-compatible providers, hedged):
 * <ul>
 *   <li>{@code resolve}: {@link RouteTable#resolve} of a route name, a model alias, a
 *       {@code provider/model} name and an unknown one (Router.onDispatch);</li>
 *   <li>{@code estimateTokens}: {@link TokenEstimator#estimate} of the request, which encodes the prompt
 *       with jtokkit and so grows with its length (the Exchange does it only for a provider with a
 *       tokens-per-minute limit), and {@code approximateTokens}, {@link TokenEstimator#approximate}, what it
 *       does for the others;</li>
 *   <li>{@code admitAndRelease}: the provider side of one attempt, on the {@link ProviderLedger} that
 *       ProviderActor keeps (decide, first token, release);</li>
 *   <li>{@code decision}: all of it for one request in the order it happens: resolve, the route's hedge
 *       budget (Router.onDispatch, Exchange.start), the exact estimate (the providers here have token
 *       limits), the admission for the first candidate (Exchange.ask) and the provider's grant; then the
 *       first token and the release.</li>
 * </ul>
 * Actor messaging is not included: each step runs inside a different actor in the gateway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class RoutingDecisionBenchmark {
  /** A finished streamed answer: what Outcome.Succeeded carries back to the provider. */
  private static final Outcome.Succeeded ANSWERED =
      new Outcome.Succeeded(Duration.ofMillis(900), Optional.of(Duration.ofMillis(180)), Optional.of(Usage.of(220, 180)));
  /**
   * Limits as a real deployment sets them (both buckets on) but too high to run short in a benchmark, so
   * every admission takes the grant path it takes most of the time in production.
   */
  private static final Limits NEVER_SHORT = new Limits(
      OptionalLong.of(1_000_000_000L), OptionalLong.of(1_000_000_000_000L), 256, 1000, Duration.ofSeconds(2));

  private RouteTable routes;
  private Map<String, ProviderLedger> providers;
  private final Map<String, HedgeBudget> budgets = new HashMap<>();

  /** What the client's {@code model} names. */
  @State(Scope.Thread)
  public static class ModelName {
    @Param({"chat", "sim-claude", "fast/gpt-4o-mini", "no-such-model"})
    public String model;
  }

  /** The client's request to the {@code chat} route: the recorded conversation, alone or after a long pasted document. */
  @State(Scope.Thread)
  public static class Prompt {
    @Param({"0", "8192"})
    public int extraPromptChars;

    ChatRequest request;

    @Setup
    public void setUp() {
      request = clientRequest(extraPromptChars);
    }
  }

  @Setup
  public void setUp() {
    GatewaySettings settings = GatewaySettings.load(shippedConfig(), Environment.of(Map.of()),
        url -> url.replace("sim://", "http://127.0.0.1:9/")); // never called: only the table and limits are used
    routes = settings.routes();
    long now = System.nanoTime();
    providers = new HashMap<>();
    settings.providers().forEach((name, config) ->
        providers.put(name, new ProviderLedger(config.withLimits(NEVER_SHORT), ProviderMetrics.OFF, now)));
    TokenEstimator.warmUp();
    if (routes.resolve("chat").map(r -> !r.hedging().active()).orElse(true)) {
      throw new IllegalStateException("the shipped 'chat' route is expected to be hedged");
    }
  }

  @Benchmark
  public Optional<Route> resolve(ModelName name) {
    return routes.resolve(name.model);
  }

  @Benchmark
  public TokenEstimate estimateTokens(Prompt prompt) {
    return TokenEstimator.estimate(prompt.request);
  }

  @Benchmark
  public TokenEstimate approximateTokens(Prompt prompt) {
    return TokenEstimator.approximate(prompt.request);
  }

  @Benchmark
  public long admitAndRelease() {
    ProviderLedger provider = providers.get("fast");
    Admission admission = new Admission(1244, Admission.Mode.NORMAL, Duration.ZERO, "sim-fast-1", 220);
    return attempt(provider, admission);
  }

  @Benchmark
  public long decision(Prompt prompt) {
    ChatRequest request = prompt.request;
    Route route = routes.resolve(request.model()).orElseThrow();
    HedgeBudget budget = budgets.computeIfAbsent(route.name(), n -> new HedgeBudget(route.hedging()));
    TokenEstimate estimate = TokenEstimator.estimate(request);
    if (route.hedging().active()) budget.recordRequest();
    Candidate first = route.candidates().get(0);
    Admission admission = Admission.of(estimate, first.upstreamModel(), Admission.Mode.NORMAL, Duration.ZERO);
    if (route.hedging().active()) admission = admission.withDeadline(route.hedging().deadline());
    return attempt(providers.get(first.provider()), admission);
  }

  /** One attempt's three messages to its provider: Acquire, FirstTokenSeen, Release. Every one must be granted. */
  private static long attempt(ProviderLedger provider, Admission admission) {
    if (!(provider.decide(admission, 0, System.nanoTime()) instanceof ProviderLedger.Lease lease)) {
      throw new IllegalStateException("the admission was not granted");
    }
    provider.firstToken(lease.id());
    provider.release(lease.id(), ANSWERED, System.nanoTime());
    return lease.id() + lease.firstTokenDeadline().map(Duration::toNanos).orElse(0L);
  }

  private static Config shippedConfig() {
    return ConfigFactory.parseResources("jmh/config/hedgerow.conf")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** The recorded conversation fixture, sent to the {@code chat} route, optionally after a long document. */
  private static ChatRequest clientRequest(int extraPromptChars) {
    try {
      ObjectNode body = (ObjectNode) Json.MAPPER.readTree(RecordedStream.fixture("anthropic/request-conversation.openai.json"));
      body.put("model", "chat");
      if (extraPromptChars > 0) {
        String sentence = "The quarterly report lists revenue, costs and the outlook for each region in turn. ";
        StringBuilder document = new StringBuilder("Summarise this document:\n");
        while (document.length() < extraPromptChars) document.append(sentence);
        body.withArray("messages").insertObject(1).put("role", "user").put("content", document.toString());
      }
      return ChatRequestReader.read(Json.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
