package io.hedgerow.providers.sim;

/** A request body the simulated provider would reject with 400, as the real one would. */
final class MalformedRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    MalformedRequestException(String message) {
        super(message);
    }
}
