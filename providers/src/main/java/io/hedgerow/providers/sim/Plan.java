package io.hedgerow.providers.sim;

import java.time.Duration;

/** The whole decision for one chat request: what to answer, when, and which fault to show instead. */
record Plan(Fault fault, Duration ttft, Duration interTokenDelay, Script script) {

    /** When a plain (non-stream) answer is due: when a stream of the same script would have ended. */
    public Duration plainLatency() {
        return ttft.plus(interTokenDelay.multipliedBy(Math.max(0, pacedUnits() - 1)));
    }

    /** How many paced steps the script has: text tokens, or tool-call argument fragments. */
    public int pacedUnits() {
        if (script instanceof Script.ToolCalls calls) {
            return calls.calls().stream().mapToInt(c -> c.fragments().size()).sum();
        }
        return ((Script.Text) script).tokens().size();
    }
}
