package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.Random;

/**
 * Per-request fault probabilities of one simulated instance, and the {@code retry-after} a rate limit
 * announces.
 */
public record FaultSettings(
        double rateLimit,
        Duration retryAfter,
        double serverError,
        double overloaded,
        double reset,
        double hang,
        double abortMidStream) {

    /** No random faults at all. */
    public static FaultSettings none() {
        return new FaultSettings(0, Duration.ofSeconds(1), 0, 0, 0, 0, 0);
    }

    /**
     * Draws each fault independently in the documented order; the first hit wins, so a later fault's
     * effective rate is slightly below its configured probability when earlier ones are also set.
     */
    public Fault draw(Random random) {
        if (hit(random, rateLimit)) return Fault.RATE_LIMIT;
        if (hit(random, serverError)) return Fault.SERVER_ERROR;
        if (hit(random, overloaded)) return Fault.OVERLOADED;
        if (hit(random, reset)) return Fault.RESET;
        if (hit(random, hang)) return Fault.HANG;
        if (hit(random, abortMidStream)) return Fault.ABORT_MID_STREAM;
        return Fault.NONE;
    }

    private static boolean hit(Random random, double probability) {
        // Skip the draw for zero so a fault-free instance consumes no randomness and stays reproducible.
        return probability > 0 && random.nextDouble() < probability;
    }
}
