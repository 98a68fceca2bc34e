package io.hedgerow.providers.sim;

/**
 * One server-sent-event frame, already framed for its dialect. A paced frame carries a token (or an
 * argument fragment) and waits the inter-token delay; unpaced frames travel with their neighbours.
 */
record Frame(String text, boolean paced) {

    static Frame paced(String text) {
        return new Frame(text, true);
    }

    static Frame unpaced(String text) {
        return new Frame(text, false);
    }
}
