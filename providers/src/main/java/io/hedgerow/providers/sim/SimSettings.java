package io.hedgerow.providers.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/**
 * How one simulated upstream instance behaves: its name and port, its timing, its answer length and its
 * random faults. Read once from HOCON; see {@code hedgerow.sim.defaults} in reference.conf.
 */
public record SimSettings(
        String name,
        int port,
        LatencyModel ttft,
        Duration interTokenDelay,
        int outputTokens,
        FaultSettings faults,
        boolean requireAuth,
        long seed) {

    public static final String DEFAULTS_PATH = "hedgerow.sim.defaults";

    /** Reads one instance block; keys it leaves out come from {@code hedgerow.sim.defaults}. */
    public static SimSettings fromConfig(Config instance) {
        Config c = instance.withFallback(ConfigFactory.defaultReference().getConfig(DEFAULTS_PATH)).resolve();
        Config f = c.getConfig("faults");
        return new SimSettings(
                c.getString("name"),
                c.getInt("port"),
                new LatencyModel(c.getDuration("ttft.p50"), c.getDuration("ttft.p99")).withTail(
                        c.getDouble("ttft.tail.probability"), c.getDuration("ttft.tail.p50"), c.getDuration("ttft.tail.p99")),
                c.getDuration("inter-token-delay"),
                c.getInt("output-tokens"),
                new FaultSettings(
                        f.getDouble("rate-limit"),
                        f.getDuration("retry-after"),
                        f.getDouble("server-error"),
                        f.getDouble("overloaded"),
                        f.getDouble("reset"),
                        f.getDouble("hang"),
                        f.getDouble("abort-mid-stream")),
                c.getBoolean("require-auth"),
                c.getLong("seed"));
    }

    /** The reference defaults, under the given name, on an ephemeral port. */
    public static SimSettings defaults(String name) {
        return fromConfig(ConfigFactory.parseMap(Map.of("name", name, "port", 0)));
    }

    public SimSettings withName(String newName) {
        return new SimSettings(newName, port, ttft, interTokenDelay, outputTokens, faults, requireAuth, seed);
    }

    public SimSettings withPort(int newPort) {
        return new SimSettings(name, newPort, ttft, interTokenDelay, outputTokens, faults, requireAuth, seed);
    }

    public SimSettings withFaults(FaultSettings newFaults) {
        return new SimSettings(name, port, ttft, interTokenDelay, outputTokens, newFaults, requireAuth, seed);
    }
}
