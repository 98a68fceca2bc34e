package io.hedgerow.router.metrics;

import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.health.CircuitBreaker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import kamon.Kamon;
import kamon.metric.MeasurementUnit;
import kamon.metric.Metric;
import kamon.tag.TagSet;

/**
 * One provider's Kamon instruments, tagged with the provider and the upstream model. Its provider actor
 * records each attempt once, when the attempt ends (never per chunk); the hedging code records its own
 * counters here too, so any thread may call it.
 */
public final class ProviderMetrics {
  /** Records nothing, and never touches Kamon. */
  public static final ProviderMetrics OFF = new ProviderMetrics("", false);

  private final String provider;
  private final boolean enabled;
  private final Map<String, TagSet> tags = new ConcurrentHashMap<>();

  private ProviderMetrics(String provider, boolean enabled) {
    this.provider = provider;
    this.enabled = enabled;
  }

  static ProviderMetrics kamon(String provider) {
    ProviderMetrics m = new ProviderMetrics(provider, true);
    m.circuitState(CircuitBreaker.State.CLOSED);
    m.inFlight(0);
    return m;
  }

  public void succeeded(String model, Duration latency, Optional<Duration> ttft, Optional<Usage> usage) {
    if (!enabled) return;
    TagSet t = tags(model);
    Instruments.REQUESTS.withTags(t.withTag("outcome", "succeeded")).increment();
    Instruments.LATENCY.withTags(t).record(latency.toNanos());
    ttft.ifPresent(d -> Instruments.TTFT.withTags(t).record(d.toNanos()));
    usage.ifPresent(u -> {
      Instruments.TOKENS_IN.withTags(t).increment(u.promptTokens());
      Instruments.TOKENS_OUT.withTags(t).increment(u.completionTokens());
    });
  }

  public void failed(String model, ErrorClass errorClass) {
    if (!enabled) return;
    TagSet t = tags(model);
    Instruments.REQUESTS.withTags(t.withTag("outcome", "failed")).increment();
    Instruments.ERRORS.withTags(t.withTag("class", errorClass.label())).increment();
  }

  public void cancelled(String model) {
    if (!enabled) return;
    Instruments.REQUESTS.withTags(tags(model).withTag("outcome", "cancelled")).increment();
  }

  /** An attempt cancelled because another attempt of its request won: not an error, but spent tokens. */
  public void hedgeLost(String model, long wastedPromptTokens) {
    if (!enabled) return;
    TagSet t = tags(model);
    Instruments.REQUESTS.withTags(t.withTag("outcome", "hedge_lost")).increment();
    Instruments.HEDGE_WASTE_TOKENS.withTags(t).increment(Math.max(0, wastedPromptTokens));
  }

  /** An admission refused; {@code reason} as in {@code ProviderActor.RejectReason}, lower case. */
  public void rejected(String model, String reason) {
    if (!enabled) return;
    Instruments.REJECTIONS.withTags(tags(model).withTag("reason", reason)).increment();
  }

  public void queueWait(String model, Duration waited) {
    if (!enabled) return;
    Instruments.QUEUE_WAIT.withTags(tags(model)).record(waited.toNanos());
  }

  public void circuitState(CircuitBreaker.State state) {
    if (!enabled) return;
    Instruments.CIRCUIT_STATE.withTag("provider", provider).update(state.ordinal());
  }

  public void inFlight(int attempts) {
    if (!enabled) return;
    Instruments.IN_FLIGHT.withTag("provider", provider).update(attempts);
  }

  public void hedgeStarted(String model) {
    if (enabled) Instruments.HEDGE_STARTED.withTags(tags(model)).increment();
  }

  public void hedgeWon(String model) {
    if (enabled) Instruments.HEDGE_WON.withTags(tags(model)).increment();
  }

  public void hedgeDenied(String model) {
    if (enabled) Instruments.HEDGE_DENIED.withTags(tags(model)).increment();
  }

  private TagSet tags(String model) {
    return tags.computeIfAbsent(model, m -> TagSet.builder().add("provider", provider).add("model", m).build());
  }

  /** Loaded on first use only, so a gateway with metrics off never initialises Kamon. */
  private static final class Instruments {
    static final Metric.Counter REQUESTS = Kamon.counter(MetricNames.REQUESTS, "Upstream attempts that ended, by outcome");
    static final Metric.Counter ERRORS = Kamon.counter(MetricNames.ERRORS, "Failed upstream attempts, by error class");
    static final Metric.Histogram LATENCY =
        Kamon.histogram(MetricNames.LATENCY, "Latency of succeeded attempts", MeasurementUnit.time().nanoseconds());
    static final Metric.Histogram TTFT =
        Kamon.histogram(MetricNames.TTFT, "Time to first token", MeasurementUnit.time().nanoseconds());
    static final Metric.Counter TOKENS_IN = Kamon.counter(MetricNames.TOKENS_IN, "Prompt tokens the providers reported");
    static final Metric.Counter TOKENS_OUT = Kamon.counter(MetricNames.TOKENS_OUT, "Completion tokens the providers reported");
    static final Metric.Counter REJECTIONS =
        Kamon.counter(MetricNames.RATE_LIMIT_REJECTIONS, "Admissions refused by limits, circuit or cool-down");
    static final Metric.Histogram QUEUE_WAIT =
        Kamon.histogram(MetricNames.QUEUE_WAIT, "Time granted requests waited for capacity", MeasurementUnit.time().nanoseconds());
    static final Metric.Gauge CIRCUIT_STATE = Kamon.gauge(MetricNames.CIRCUIT_STATE, "0 closed, 1 half-open, 2 open");
    static final Metric.Gauge IN_FLIGHT = Kamon.gauge(MetricNames.IN_FLIGHT, "Attempts holding a permit");
    static final Metric.Counter HEDGE_STARTED = Kamon.counter(MetricNames.HEDGE_STARTED, "Hedge attempts started");
    static final Metric.Counter HEDGE_WON = Kamon.counter(MetricNames.HEDGE_WON, "Hedge attempts that produced the first token");
    static final Metric.Counter HEDGE_DENIED = Kamon.counter(MetricNames.HEDGE_DENIED, "Hedges not started (budget, capacity)");
    static final Metric.Counter HEDGE_WASTE_TOKENS =
        Kamon.counter(MetricNames.HEDGE_WASTE_TOKENS, "Estimated prompt tokens of cancelled hedge losers");
  }
}
