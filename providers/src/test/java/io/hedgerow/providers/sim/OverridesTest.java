package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OverridesTest {

    @Test
    void directivesAreReadFromAnywhereInTheText() {
        Overrides o = Overrides.fromDirectives(
                "please sim:fault=hang and sim:ttft-ms=3000, sim:tokens=5 sim:inter-token-ms=50 sim:tool-calls=2", "a");
        assertEquals(Optional.of(Fault.HANG), o.fault());
        assertEquals(Optional.of(Duration.ofMillis(3000)), o.ttft());
        assertEquals(5, o.tokens().getAsInt());
        assertEquals(Optional.of(Duration.ofMillis(50)), o.interTokenDelay());
        assertEquals(2, o.toolCalls().getAsInt());
    }

    @Test
    void instanceScopedDirectiveBeatsUnscopedOneWhateverTheOrder() {
        String text = "sim@slow:ttft-ms=3000 sim:ttft-ms=10 sim@fast:fault=none sim:fault=server-error";
        assertEquals(Optional.of(Duration.ofMillis(3000)), Overrides.fromDirectives(text, "slow").ttft());
        assertEquals(Optional.of(Fault.SERVER_ERROR), Overrides.fromDirectives(text, "slow").fault());
        assertEquals(Optional.of(Duration.ofMillis(10)), Overrides.fromDirectives(text, "fast").ttft());
        assertEquals(Optional.of(Fault.NONE), Overrides.fromDirectives(text, "fast").fault());
    }

    @Test
    void malformedOrForeignDirectivesAreIgnored() {
        Overrides o = Overrides.fromDirectives("sim:fault=explode sim:tokens=many mysim:tokens=3 sim:colour=red", "a");
        assertEquals(Overrides.none(), o);
    }

    @Test
    void headersBeatDirectives() {
        Overrides headers = Overrides.fromHeaders(Map.of("x-sim-fault", "rate-limit", "x-sim-tokens", "3"));
        Overrides merged = headers.orElse(Overrides.fromDirectives("sim:fault=hang sim:ttft-ms=7", "a"));
        assertEquals(Optional.of(Fault.RATE_LIMIT), merged.fault());
        assertEquals(3, merged.tokens().getAsInt());
        assertEquals(Optional.of(Duration.ofMillis(7)), merged.ttft());
    }

    @Test
    void ttftSamplesStayNearTheConfiguredMedian() {
        LatencyModel model = new LatencyModel(Duration.ofMillis(80), Duration.ofMillis(400));
        Random random = new Random(1);
        long[] samples = new long[2001];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = model.sample(random).toMillis();
        }
        Arrays.sort(samples);
        long median = samples[1000];
        assertTrue(median > 60 && median < 100, "median " + median);
        long p99 = samples[1980];
        assertTrue(p99 > 250 && p99 < 600, "p99 " + p99);
    }
}
