package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.Optional;

/** An error answer in neutral terms; each dialect picks the status code and body shape its provider uses. */
record SimError(Kind kind, String message, Duration retryAfter) {

    enum Kind { BAD_REQUEST, UNAUTHENTICATED, NOT_FOUND, RATE_LIMITED, SERVER_ERROR, OVERLOADED }

    static SimError of(Kind kind, String message) {
        return new SimError(kind, message, Duration.ZERO);
    }

    /** The error a forced or drawn fault produces before the first byte, if it is an HTTP error at all. */
    static Optional<SimError> forFault(Fault fault, Duration retryAfter) {
        return switch (fault) {
            case RATE_LIMIT -> Optional.of(new SimError(Kind.RATE_LIMITED,
                    "Rate limit reached for requests (simulated). Please try again in "
                            + retryAfter.toMillis() + "ms.", retryAfter));
            case SERVER_ERROR -> Optional.of(of(Kind.SERVER_ERROR,
                    "The server had an error while processing your request (simulated)."));
            case OVERLOADED -> Optional.of(of(Kind.OVERLOADED,
                    "The model is overloaded. Please try again later (simulated)."));
            default -> Optional.empty();
        };
    }

    /** Whole seconds for a {@code retry-after} header, rounded up so a client never retries too early. */
    long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
