package io.hedgerow.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model load of streamed chat completions that measures the client's time to first content chunk,
 * for the hedging benchmark ({@code load-tests/bench/hedging.sh}). Requests are sent at fixed times
 * (start + i / rate) whatever the earlier ones are doing, and each TTFT is measured from the request's
 * intended send time, so a stall in the gateway or in this driver is counted rather than hidden (no
 * coordinated omission). TTFTs go into an HdrHistogram in microseconds.
 *
 * <p>Parameters (system properties): {@code gateway.baseUrl} (http://127.0.0.1:8080), {@code model}
 * (chat), {@code rate} (requests per second, 20), {@code duration} (seconds, 30), {@code timeout}
 * (seconds a request may take, 30). The last line printed is machine-readable:
 * {@code RESULT model=.. requests=.. ok=.. failed=.. p50_ms=.. p95_ms=.. p99_ms=.. max_ms=.. over_1s=..
 * from_fallback=.. send_lag_ms=..} ({@code send_lag_ms}: how late the last request left, a sign of an overloaded
 * driver).
 * {@code from_fallback} counts answers whose first token names an instance called "fallback" (the simulator
 * starts each answer with its instance name). Exits 1 if any request failed.
 */
public final class TtftLoadDriver {

  private TtftLoadDriver() {}

  public static void main(String[] args) throws Exception {
    String baseUrl = System.getProperty("gateway.baseUrl", "http://127.0.0.1:8080");
    String model = System.getProperty("model", "chat");
    double rate = Double.parseDouble(System.getProperty("rate", "20"));
    long durationSeconds = Long.parseLong(System.getProperty("duration", "30"));
    Duration timeout = Duration.ofSeconds(Long.parseLong(System.getProperty("timeout", "30")));

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}"))
        .build();

    Histogram ttft = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong fromFallback = new AtomicLong();
    long total = Math.round(rate * durationSeconds);
    CountDownLatch done = new CountDownLatch((int) total);
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();

    for (long i = 0; i < total; i++) {
      long intended = start + i * intervalNanos;
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
      FirstContent first = new FirstContent(intended, ttft, fromFallback);
      client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(first))
          .whenComplete((response, error) -> {
            if (error == null && response.statusCode() == 200 && first.seen.get()) ok.incrementAndGet();
            else {
              failed.incrementAndGet();
              if (failed.get() <= 5) {
                System.err.println("failed: " + (error != null ? error : "status " + response.statusCode()
                    + (first.seen.get() ? "" : ", no content chunk")));
              }
            }
            done.countDown();
          });
    }
    long sendLagMs = (System.nanoTime() - (start + (total - 1) * intervalNanos)) / 1_000_000;
    if (!done.await(timeout.toSeconds() + 5, TimeUnit.SECONDS)) {
      System.err.println("gave up waiting for " + done.getCount() + " requests");
    }
    long unanswered = done.getCount();
    Histogram h;
    synchronized (ttft) {
      h = ttft.copy();
    }
    System.out.printf(Locale.ROOT,
        "RESULT model=%s requests=%d ok=%d failed=%d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f over_1s=%d"
            + " from_fallback=%d send_lag_ms=%d%n",
        model, total, ok.get(), failed.get() + unanswered, ms(h, 50), ms(h, 95), ms(h, 99),
        h.getMaxValue() / 1000.0, h.getCountBetweenValues(1_000_001, h.getHighestTrackableValue()),
        fromFallback.get(), sendLagMs);
    System.exit(failed.get() + unanswered == 0 ? 0 : 1);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  /** Reads the SSE lines of one stream; records the TTFT at the first chunk with non-empty content. */
  private static final class FirstContent implements Flow.Subscriber<String> {
    private final long intendedNanos;
    private final Histogram ttft;
    private final AtomicLong fromFallback;
    final AtomicBoolean seen = new AtomicBoolean();

    FirstContent(long intendedNanos, Histogram ttft, AtomicLong fromFallback) {
      this.intendedNanos = intendedNanos;
      this.ttft = ttft;
      this.fromFallback = fromFallback;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (seen.get() || !line.startsWith("data:")) return;
      int at = line.indexOf("\"content\":\"");
      if (at < 0 || line.startsWith("\"", at + 11)) return; // no content, or the empty string
      long micros = (System.nanoTime() - intendedNanos) / 1000;
      if (seen.compareAndSet(false, true)) {
        synchronized (ttft) {
          ttft.recordValue(Math.min(micros, ttft.getHighestTrackableValue()));
        }
        if (line.startsWith("fallback", at + 11)) fromFallback.incrementAndGet();
      }
    }

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
