package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.Random;

/**
 * A log-normal latency distribution given by its median and 99th percentile, optionally mixed with a
 * second log-normal (the tail) that a draw comes from with probability {@code tailProbability}: e.g. 95 %
 * of first tokens around 100 ms and 5 % around 3 s. With no tail (probability 0) a draw uses exactly one
 * Gaussian, as before, so seeded sequences are unchanged.
 */
public record LatencyModel(Duration p50, Duration p99, double tailProbability, Duration tailP50, Duration tailP99) {

    /** The standard normal quantile at 0.99; dividing ln(p99/p50) by it yields sigma. */
    private static final double Z_99 = 2.326;

    /** Longest sample relative to p99, so one freak draw cannot stall a load test for minutes. */
    private static final double CAP_FACTOR = 10.0;

    public LatencyModel {
        if (!(tailProbability >= 0 && tailProbability <= 1)) {
            throw new IllegalArgumentException("tail probability must be between 0 and 1, not " + tailProbability);
        }
    }

    /** A single log-normal, no tail. */
    public LatencyModel(Duration p50, Duration p99) {
        this(p50, p99, 0.0, Duration.ZERO, Duration.ZERO);
    }

    public static LatencyModel fixed(Duration value) {
        return new LatencyModel(value, value);
    }

    /** This distribution with a tail log-normal (its p50 and p99) drawn with the given probability. */
    public LatencyModel withTail(double probability, Duration newTailP50, Duration newTailP99) {
        return new LatencyModel(p50, p99, probability, newTailP50, newTailP99);
    }

    public Duration sample(Random random) {
        Duration body = logNormal(p50, p99, random);
        // The mixture is drawn after the body: the simulator seeds one Random per request with consecutive
        // seeds, whose first nextDouble() barely moves from one request to the next.
        if (tailProbability > 0 && random.nextDouble() < tailProbability) {
            return logNormal(tailP50, tailP99, random);
        }
        return body;
    }

    private static Duration logNormal(Duration p50, Duration p99, Random random) {
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
