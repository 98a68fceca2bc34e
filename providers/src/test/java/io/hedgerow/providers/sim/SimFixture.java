package io.hedgerow.providers.sim;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;

/** Starting and stopping simulated upstreams with test-sized timings. */
final class SimFixture {

    private SimFixture() {
    }

    /** Quick timings (5 ms to first token, 1 ms between tokens), 8 tokens, no random faults. */
    static SimSettings quick(String name, String extraHocon) {
        return SimSettings.fromConfig(ConfigFactory.parseString(extraHocon).withFallback(ConfigFactory.parseString(
                "name = \"" + name + "\", ttft { p50 = 5ms, p99 = 5ms }, inter-token-delay = 1ms, output-tokens = 8, seed = 42")));
    }

    static SimServer start(ActorTestKit kit, SimSettings settings) throws Exception {
        return SimServer.start(kit.system(), settings).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static void shutdown(ActorTestKit kit) throws Exception {
        Http.get(kit.system()).shutdownAllConnectionPools().toCompletableFuture().get(5, TimeUnit.SECONDS);
        kit.shutdownTestKit();
    }
}
