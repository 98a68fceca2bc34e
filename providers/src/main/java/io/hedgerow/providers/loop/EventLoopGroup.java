package io.hedgerow.providers.loop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A fixed set of {@link EventLoop}s, and an executor over them: a task handed over from one of its loops
 * stays on that loop (so the steps of one request stay on one thread), one handed over from elsewhere goes
 * to the next loop in turn. Nothing run on it may block: a blocked loop stalls its sockets too.
 */
public final class EventLoopGroup extends AbstractExecutorService {
  private final List<EventLoop> loops;
  private final Duration busyPoll;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean shutdown;

  public EventLoopGroup(String name, int threads) {
    this(name, threads, Duration.ZERO);
  }

  /** With {@code busyPoll}, each loop polls that long for more work before it sleeps (see {@link EventLoop}). */
  public EventLoopGroup(String name, int threads, Duration busyPoll) {
    if (threads < 1) throw new IllegalArgumentException("an event loop group needs at least one thread");
    this.busyPoll = busyPoll;
    long busyPollNanos = busyPoll.toNanos();
    this.loops = IntStream.range(0, threads).mapToObj(i -> new EventLoop(this, name + "-" + i, busyPollNanos)).toList();
    loops.forEach(EventLoop::start);
  }

  /** How long each loop polls for more work before it sleeps; zero if it sleeps at once. */
  public Duration busyPoll() {
    return busyPoll;
  }

  public List<EventLoop> loops() {
    return loops;
  }

  /** The next loop in turn. */
  public EventLoop next() {
    return loops.size() == 1 ? loops.get(0) : loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
  }

  @Override
  public void execute(Runnable task) {
    EventLoop current = EventLoop.current();
    if (current != null && current.group() == this) current.execute(task);
    else next().execute(task);
  }

  @Override
  public void shutdown() {
    shutdown = true;
    loops.forEach(EventLoop::shutdown);
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && loops.stream().allMatch(EventLoop::terminated);
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (EventLoop loop : loops) {
      if (loop.inLoop()) continue; // a loop cannot wait for itself
      loop.awaitTermination(deadline - System.nanoTime());
    }
    return isTerminated();
  }
}
