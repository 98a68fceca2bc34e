package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyModelTest {

    @Test
    void tailMixtureDrawsTheConfiguredShareFromTheTail() {
        LatencyModel model = new LatencyModel(Duration.ofMillis(100), Duration.ofMillis(150))
                .withTail(0.05, Duration.ofSeconds(3), Duration.ofMillis(3200));
        Random random = new Random(42);
        int n = 20_000;
        int tail = 0;
        for (int i = 0; i < n; i++) {
            long ms = model.sample(random).toMillis();
            assertTrue(ms < 1000 || ms > 2000, "a draw between the two modes: " + ms);
            if (ms > 2000) tail++;
        }
        double share = tail / (double) n;
        assertTrue(share > 0.04 && share < 0.06, "tail share " + share);
    }

    @Test
    void tailShareHoldsWithTheSimulatorsPerRequestSeeds() {
        // AnswerPlanner.nextRandom(): new Random(seed * 1_000_003 + n) for the n-th request.
        LatencyModel model = new LatencyModel(Duration.ofMillis(100), Duration.ofMillis(150))
                .withTail(0.05, Duration.ofSeconds(3), Duration.ofMillis(3200));
        int n = 2_000;
        int tail = 0;
        for (int i = 1; i <= n; i++) {
            if (model.sample(new Random(1 * 1_000_003L + i)).toMillis() > 2000) tail++;
        }
        double share = tail / (double) n;
        assertTrue(share > 0.035 && share < 0.065, "tail share " + share);
    }

    @Test
    void withoutATailSeededDrawsAreUnchanged() {
        LatencyModel plain = new LatencyModel(Duration.ofMillis(80), Duration.ofMillis(400));
        LatencyModel zeroTail = plain.withTail(0, Duration.ofSeconds(3), Duration.ofSeconds(4));
        Random a = new Random(7);
        Random b = new Random(7);
        for (int i = 0; i < 100; i++) {
            assertEquals(plain.sample(a), zeroTail.sample(b));
        }
    }

    @Test
    void tailIsReadFromConfigAndDefaultsToNone() {
        assertEquals(0.0, SimSettings.defaults("a").ttft().tailProbability());
        SimSettings heavy = SimSettings.fromConfig(ConfigFactory.parseString(
                "name = heavy, port = 0, ttft { p50 = 100ms, p99 = 150ms, tail { probability = 0.05, p50 = 3s } }"));
        assertEquals(new LatencyModel(Duration.ofMillis(100), Duration.ofMillis(150), 0.05, Duration.ofSeconds(3),
                Duration.ofMillis(3200)), heavy.ttft());
    }

    @Test
    void probabilityOutsideZeroToOneIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> LatencyModel.fixed(Duration.ofMillis(1)).withTail(1.5, Duration.ZERO, Duration.ZERO));
    }
}
