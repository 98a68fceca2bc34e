package io.hedgerow.router.dispatch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.hedgerow.providers.loop.EventLoop;
import io.hedgerow.providers.loop.EventLoopGroup;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.MonitorableThreadFactory;

/**
 * A Pekko dispatcher's executor made of {@link EventLoop}s: {@code executor =
 * "io.hedgerow.router.dispatch.EventLoopExecutor"} with an {@code event-loop-executor} block sizing it as
 * a fork-join executor is sized ({@code parallelism-min}, {@code -factor}, {@code -max}) and with an optional
 * {@code busy-poll} time (see {@link EventLoop}; none if absent). The gateway's
 * HTTP server and upstream client find its loops ({@link #loopsOf}) and do their socket IO on them, so a
 * request runs from its first byte read to its last byte written without waking another thread.
 */
public final class EventLoopExecutor extends ExecutorServiceConfigurator {
  private final int threads;
  private final Duration busyPoll;

  public EventLoopExecutor(Config config, DispatcherPrerequisites prerequisites) {
    super(config, prerequisites);
    Config c = config.getConfig("event-loop-executor");
    int cores = Runtime.getRuntime().availableProcessors();
    int scaled = (int) Math.ceil(cores * c.getDouble("parallelism-factor"));
    this.threads = Math.min(Math.max(scaled, c.getInt("parallelism-min")), c.getInt("parallelism-max"));
    this.busyPoll = c.hasPath("busy-poll") ? c.getDuration("busy-poll") : Duration.ZERO;
    if (busyPoll.isNegative()) {
      throw new ConfigException.BadValue(c.origin(), config.getString("id") + ".event-loop-executor.busy-poll",
          "must not be negative (0ms: a loop sleeps as soon as it is out of work)");
    }
  }

  @Override
  public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
    String system = threadFactory instanceof MonitorableThreadFactory m ? m.name() : "pekko";
    String name = system + "-" + id.replace("pekko.actor.", "").replace('.', '-');
    return () -> new EventLoopGroup(name, threads, busyPoll);
  }

  /** The event loops {@code system}'s default dispatcher runs on, if it is made of them. */
  public static CompletionStage<Optional<EventLoopGroup>> loopsOf(ClassicActorSystemProvider system) {
    CompletableFuture<Optional<EventLoopGroup>> probe = new CompletableFuture<>();
    system.classicSystem().dispatcher().execute(() ->
        probe.complete(Optional.ofNullable(EventLoop.current()).map(EventLoop::group)));
    return probe;
  }

  /** The event loops of the caller's thread, if it is one of theirs (an actor on such a dispatcher). */
  public static Optional<EventLoopGroup> currentLoops() {
    return Optional.ofNullable(EventLoop.current()).map(EventLoop::group);
  }
}
