package io.hedgerow.providers.sim;

/** Token counts of one simulated answer. */
record Usage(int promptTokens, int completionTokens) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
