package io.hedgerow.router;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.hedgerow.providers.CommonPoolParallelism;
import io.hedgerow.router.config.Environment;
import io.hedgerow.router.logging.LoggingShutdownHook;
import io.hedgerow.router.metrics.GatewayMetrics;
import java.io.File;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Hedgerow in the foreground: {@code java -jar hedgerow.jar [config-file]}, by default
 * {@code config/hedgerow.conf}. System properties override the file ({@code -Dhedgerow.http.port=9000}).
 * A bad config exits with status 2 naming the file, the path and the problem.
 */
public final class HedgerowMain {
  static {
    CommonPoolParallelism.ensure(); // before the logger (or anything else) touches the common pool
  }

  private static final Logger log = LoggerFactory.getLogger(HedgerowMain.class);

  private HedgerowMain() {}

  public static void main(String[] args) {
    LoggingShutdownHook loggingShutdown = LoggingShutdownHook.install();
    File file = new File(args.length > 0 ? args[0] : "config/hedgerow.conf");
    Config config;
    try {
      config = load(file);
    } catch (ConfigException e) {
      System.err.println("hedgerow: bad configuration in " + file + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(config, Environment.system()).toCompletableFuture().get();
    } catch (ExecutionException | RuntimeException e) {
      // Failed later or thrown at once (Pekko wraps what a dispatcher's executor throws while it is built).
      boolean wrapped = e instanceof ExecutionException || e instanceof CompletionException;
      Throwable cause = wrapped && e.getCause() != null ? e.getCause() : e;
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof ConfigException) {
          System.err.println("hedgerow: bad configuration in " + file + ": " + t.getMessage());
          System.exit(2);
        }
      }
      System.err.println("hedgerow: could not start: " + cause);
      System.exit(1);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // As long as Pekko's own shutdown hook waits for the coordinated shutdown: logging never holds the JVM longer.
    Duration shutdownTimeout = Duration.ofMillis(CoordinatedShutdown.get(gateway.system()).totalTimeout().toMillis());
    loggingShutdown.waitFor(gateway.whenTerminated(), shutdownTimeout);
    log.info("Hedgerow listening on {} (config {})", gateway.baseUrl(), file);
    gateway.simulators().values().forEach(s -> log.info("Simulated provider '{}' on {}", s.name(), s.baseUrl()));
    gateway.whenTerminated().toCompletableFuture().join();
    GatewayMetrics.stopAll();
  }

  /** The file over system properties over Hedgerow's reference.conf, resolved. */
  static Config load(File file) {
    Config fromFile = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    return ConfigFactory.systemProperties()
        .withFallback(fromFile)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
