package io.hedgerow.router.health;

import io.hedgerow.providers.upstream.ErrorClass;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How one provider has been doing over a rolling window, overall and per model: latency and time to
 * first token of the attempts that completed, and the share of attempts that failed, by error class.
 * Not thread-safe; clock-free: every call says what time it is, in nanoseconds.
 */
public final class ProviderHealth {
  private static final int SLICES = 6;
  private static final String OK = "ok";

  private final Duration window;
  private final Stats overall;
  private final Map<String, Stats> models = new TreeMap<>();

  public ProviderHealth(Duration window, long now) {
    this.window = window;
    this.overall = new Stats(window, now);
  }

  /** One model's view, for the admin API. */
  public record ModelHealth(long attempts, Percentiles latency, Percentiles ttft, Map<String, Double> errorRates) {}

  public void succeeded(String model, Duration latency, Optional<Duration> ttft, long now) {
    overall.succeeded(latency, ttft, now);
    stats(model, now).succeeded(latency, ttft, now);
  }

  public void failed(String model, ErrorClass errorClass, long now) {
    overall.failed(errorClass, now);
    stats(model, now).failed(errorClass, now);
  }

  public Percentiles latency(long now) {
    return overall.latency.percentiles(now);
  }

  public Percentiles ttft(long now) {
    return overall.ttft.percentiles(now);
  }

  /** The time to first token at {@code percentile} over the window, with how many samples it rests on. */
  public Duration ttftAt(double percentile, long now) {
    return overall.ttft.valueAt(percentile, now);
  }

  public long ttftSamples(long now) {
    return overall.ttft.count(now);
  }

  /** Failed attempts of each class as a share of the window's completed attempts. */
  public Map<String, Double> errorRates(long now) {
    return overall.errorRates(now);
  }

  public Map<String, ModelHealth> byModel(long now) {
    Map<String, ModelHealth> out = new TreeMap<>();
    models.forEach((model, s) -> out.put(model, s.view(now)));
    return out;
  }

  private Stats stats(String model, long now) {
    return models.computeIfAbsent(model, m -> new Stats(window, now));
  }

  private static final class Stats {
    final RollingHistogram latency;
    final RollingHistogram ttft;
    final RollingCounts outcomes;

    Stats(Duration window, long now) {
      latency = new RollingHistogram(window, SLICES, now);
      ttft = new RollingHistogram(window, SLICES, now);
      outcomes = new RollingCounts(window, SLICES, now);
    }

    void succeeded(Duration took, Optional<Duration> firstToken, long now) {
      latency.record(took, now);
      firstToken.ifPresent(t -> ttft.record(t, now));
      outcomes.add(OK, now);
    }

    void failed(ErrorClass errorClass, long now) {
      outcomes.add(errorClass.label(), now);
    }

    Map<String, Double> errorRates(long now) {
      Map<String, Long> counts = outcomes.totals(now);
      long all = counts.values().stream().mapToLong(Long::longValue).sum();
      Map<String, Double> rates = new TreeMap<>();
      counts.forEach((k, n) -> {
        if (!k.equals(OK)) rates.put(k, (double) n / all);
      });
      return rates;
    }

    ModelHealth view(long now) {
      long attempts = outcomes.totals(now).values().stream().mapToLong(Long::longValue).sum();
      return new ModelHealth(attempts, latency.percentiles(now), ttft.percentiles(now), errorRates(now));
    }
  }
}
