package io.hedgerow.router.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import kamon.Kamon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hedgerow's metrics: Kamon instruments served for Prometheus on {@code hedgerow.metrics.port}, or
 * nothing at all when {@code hedgerow.metrics.enabled = off}. Kamon is one per JVM: the first gateway
 * with metrics on starts it, later ones record into the same registry.
 */
public final class GatewayMetrics {
  private static final Logger log = LoggerFactory.getLogger(GatewayMetrics.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /** Prometheus histogram buckets (seconds) sized for LLM calls rather than Kamon's web-request defaults. */
  private static final String BUCKETS = """
      kamon.prometheus.buckets.custom {
        "hedgerow.latency" = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]
        "hedgerow.ttft" = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
        "hedgerow.queue.wait" = [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
      }
      """;

  private final boolean enabled;

  private GatewayMetrics(boolean enabled) {
    this.enabled = enabled;
  }

  public static GatewayMetrics off() {
    return new GatewayMetrics(false);
  }

  /** Reads {@code hedgerow.metrics} and, when enabled, starts Kamon and its Prometheus endpoint once per JVM. */
  public static GatewayMetrics start(Config root) {
    Config m = root.getConfig("hedgerow.metrics");
    if (!m.getBoolean("enabled")) return off();
    if (STARTED.compareAndSet(false, true)) {
      Config kamon = ConfigFactory.parseMap(Map.of(
              "kamon.prometheus.embedded-server.hostname", m.getString("interface"),
              "kamon.prometheus.embedded-server.port", m.getInt("port"),
              "kamon.metric.tick-interval", m.getDuration("tick-interval").toMillis() + "ms"))
          .withFallback(ConfigFactory.parseString(BUCKETS))
          .withFallback(root);
      Kamon.initWithoutAttaching(kamon);
      log.info("Metrics for Prometheus on {}:{}/metrics", m.getString("interface"), m.getInt("port"));
    } else {
      log.info("Kamon already runs in this JVM; this gateway's metrics join its Prometheus endpoint");
    }
    return new GatewayMetrics(true);
  }

  public boolean enabled() {
    return enabled;
  }

  /** The instruments of one provider; do-nothing ones when metrics are off. */
  public ProviderMetrics provider(String name) {
    return enabled ? ProviderMetrics.kamon(name) : ProviderMetrics.OFF;
  }

  /** Stops Kamon's reporters if this JVM started them: the last thing a process does. */
  public static void stopAll() {
    if (STARTED.get()) Kamon.stop();
  }
}
