package io.hedgerow.providers.sim;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's core decision: applies forced overrides over the instance settings, draws the random
 * parts (fault, time to first token) and has the script written.
 */
final class AnswerPlanner {

    private final SimSettings settings;
    private final ScriptWriter scripts;
    private final AtomicLong sequence = new AtomicLong();

    AnswerPlanner(SimSettings settings) {
        this.settings = settings;
        this.scripts = new ScriptWriter(settings.name());
    }

    /**
     * A fresh generator per request: with a fixed seed, the n-th request always gets the same draws,
     * whatever the interleaving of concurrent requests on other threads. The per-request seed is mixed
     * (SplittableRandom's mix), because java.util.Random's first draw barely differs between consecutive
     * seeds: without it, a 5 % fault would almost never fire.
     */
    Random nextRandom() {
        long n = sequence.incrementAndGet();
        return settings.seed() == 0 ? new Random() : new Random(new SplittableRandom(settings.seed() * 1_000_003L + n).nextLong());
    }

    Plan plan(SimRequest request, Overrides overrides, Random random) {
        Fault fault = overrides.fault().orElseGet(() -> settings.faults().draw(random));
        return new Plan(
                fault,
                overrides.ttft().orElseGet(() -> settings.ttft().sample(random)),
                overrides.interTokenDelay().orElse(settings.interTokenDelay()),
                scripts.write(
                        request,
                        overrides.tokens().orElse(settings.outputTokens()),
                        overrides.toolCalls().orElse(1),
                        random));
    }

    /** Fault and latency only, for endpoints that answer without a script (embeddings). */
    Plan planWithoutScript(Overrides overrides, Random random) {
        Fault fault = overrides.fault().orElseGet(() -> settings.faults().draw(random));
        Script empty = new Script.Text("", Instant.now(), List.of(), Script.Finish.STOP, new Usage(0, 0));
        return new Plan(
                fault,
                overrides.ttft().orElseGet(() -> settings.ttft().sample(random)),
                overrides.interTokenDelay().orElse(settings.interTokenDelay()),
                empty);
    }
}
