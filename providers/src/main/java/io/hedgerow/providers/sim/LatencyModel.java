package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.Random;

/** A log-normal latency distribution given by its median and 99th percentile. */
public record LatencyModel(Duration p50, Duration p99) {

    /** The standard normal quantile at 0.99; dividing ln(p99/p50) by it yields sigma. */
    private static final double Z_99 = 2.326;

    /** Longest sample relative to p99, so one freak draw cannot stall a load test for minutes. */
    private static final double CAP_FACTOR = 10.0;

    public static LatencyModel fixed(Duration value) {
        return new LatencyModel(value, value);
    }

    public Duration sample(Random random) {
        double median = Math.max(0, p50.toNanos());
        double high = Math.max(median, p99.toNanos());
        if (median == 0 || high == median) {
            return Duration.ofNanos((long) median);
        }
        double sigma = Math.log(high / median) / Z_99;
        double nanos = Math.exp(Math.log(median) + sigma * random.nextGaussian());
        return Duration.ofNanos((long) Math.min(nanos, high * CAP_FACTOR));
    }
}
