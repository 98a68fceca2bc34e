package io.hedgerow.providers.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs simulated upstreams standalone, e.g. for load tests: reads {@code hedgerow.sim.instances} from the
 * HOCON file named by the first argument (or by {@code -Dconfig.file}), starts them all in one actor
 * system and runs until the JVM is terminated.
 *
 * <pre>hedgerow.sim.instances = [ { name = "fast", port = 9101 }, { name = "slow", port = 9102, ttft { p50 = 2s, p99 = 5s } } ]</pre>
 */
public final class SimMain {
    static {
        io.hedgerow.providers.CommonPoolParallelism.ensure();
    }


    private SimMain() {
    }

    public static void main(String[] args) throws Exception {
        Config config = (args.length > 0
                ? ConfigFactory.parseFile(new File(args[0])).withFallback(ConfigFactory.load())
                : ConfigFactory.load()).resolve();
        List<? extends Config> instances = config.getConfigList("hedgerow.sim.instances");
        if (instances.isEmpty()) {
            System.err.println("usage: SimMain <file.conf> with hedgerow.sim.instances = [ { name = \"fast\", port = 9101 }, ... ]");
            System.exit(2);
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hedgerow-sim", config);
        try {
            for (Config instance : instances) {
                // Sequential start keeps the printed lines in configuration order for scripts that parse them.
                SimServer server = SimServer.start(system, SimSettings.fromConfig(instance))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                System.out.println("sim " + server.name() + " listening on " + server.baseUrl());
            }
        } catch (Exception e) {
            system.terminate();
            throw e;
        }
        // Pekko's coordinated shutdown runs on SIGTERM through its JVM shutdown hook and unbinds everything.
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
