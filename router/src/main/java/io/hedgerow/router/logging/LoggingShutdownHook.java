package io.hedgerow.router.logging;

import ch.qos.logback.classic.LoggerContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The JVM shutdown hook that stops logback, and so writes the lines still queued, once the gateway has
 * finished shutting down. Logback's own {@code DefaultShutdownHook} would not do: shutdown hooks run
 * concurrently, so it would stop logging while Pekko's coordinated shutdown still drains requests.
 */
public final class LoggingShutdownHook {
  private record Wait(CompletableFuture<?> done, Duration atMost) {}

  private volatile Wait wait = new Wait(CompletableFuture.completedFuture(null), Duration.ZERO);

  private LoggingShutdownHook() {}

  /** Registers the hook; until {@link #waitFor} is called, it stops logging as soon as the JVM exits. */
  public static LoggingShutdownHook install() {
    LoggingShutdownHook hook = new LoggingShutdownHook();
    Runtime.getRuntime().addShutdownHook(new Thread(hook::run, "hedgerow-logging-shutdown"));
    return hook;
  }

  /** Makes the hook wait for {@code done}, but no longer than {@code atMost}, before it stops logging. */
  public void waitFor(CompletionStage<?> done, Duration atMost) {
    wait = new Wait(done.toCompletableFuture(), atMost);
  }

  private void run() {
    Wait w = wait;
    try {
      w.done().get(w.atMost().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Stop anyway: the lines logged so far are still worth writing.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) context.stop();
  }
}
