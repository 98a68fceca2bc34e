package io.hedgerow.providers.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * One thread with its selector that does socket IO and runs tasks, in turn: the sockets ready, then the
 * tasks handed to it. The gateway's actors and streams run here too (its Pekko dispatcher is a
 * {@link EventLoopGroup}), so a request read here, routed, sent upstream, answered and written back
 * needs no other thread to wake. What is registered with the selector is attached to a {@link Ready}.
 *
 * <p>With a busy-poll time, a loop that has run out of work keeps looking at its sockets and tasks for that
 * long before it sleeps in its selector. On a virtual machine a sleeping thread's CPU halts, and waking it
 * again waits for the hypervisor (milliseconds now and then on a shared host); a loop that polls through
 * the gaps between requests is never asleep when the next one comes, at the price of a busy core while
 * requests come more often than the busy-poll time. When they come less often it stops polling ({@link
 * BusyPoll}).
 */
public final class EventLoop implements Runnable {
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  /** Tasks run between two looks at the sockets, so a flood of tasks cannot starve the IO. */
  private static final int TASKS_PER_TURN = 4096;
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

  private final EventLoopGroup group;
  private final BusyPoll busyPoll;
  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private final List<Runnable> everySecond = new CopyOnWriteArrayList<>();
  private List<Runnable> afterTurn = new ArrayList<>();
  private volatile boolean running = true;

  EventLoop(EventLoopGroup group, String name, long busyPollNanos) {
    this.group = group;
    this.busyPoll = new BusyPoll(busyPollNanos);
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The loop whose thread calls this, or null off every loop. */
  public static EventLoop current() {
    return CURRENT.get();
  }

  public EventLoopGroup group() {
    return group;
  }

  public Selector selector() {
    return selector;
  }

  /** The buffer every socket of this loop reads into; whoever reads empties it before returning. */
  public ByteBuffer readBuffer() {
    return readBuffer;
  }

  Thread thread() {
    return thread;
  }

  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on this loop's thread, after what is queued already; never in the caller. */
  public void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) selector.wakeup();
  }

  /**
   * Runs {@code task} once the tasks of this turn have run, before the loop looks at its sockets again: for
   * work that gains from waiting for the rest of the turn, like writing in one system call what a chain of
   * tasks produced. Only from this loop's own thread.
   */
  public void afterTurn(Runnable task) {
    if (!inLoop()) throw new IllegalStateException("afterTurn is for the loop's own thread");
    afterTurn.add(task);
  }

  /** Runs {@code task} on this loop about once a second (sweeps of idle connections and the like). */
  public void everySecond(Runnable task) {
    everySecond.add(task);
  }

  void shutdown() {
    running = false;
    selector.wakeup();
  }

  void awaitTermination(long nanos) throws InterruptedException {
    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  boolean terminated() {
    return !running && !thread.isAlive();
  }

  @Override
  public void run() {
    CURRENT.set(this);
    long nextTick = System.nanoTime() + TICK_NANOS;
    while (running) {
      try {
        if (tasks.isEmpty() && !busyPolled()) {
          long sleeping = System.nanoTime();
          selector.select(this::ready, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - sleeping)));
          if (busyPoll.on()) busyPoll.slept(System.nanoTime() - sleeping);
        } else {
          selector.selectNow(this::ready);
        }
        wakeupPending.set(false);
        runTasks();
        runAfterTurn();
        long now = System.nanoTime();
        if (now - nextTick >= 0) {
          nextTick = now + TICK_NANOS;
          for (Runnable task : everySecond) task.run();
        }
      } catch (IOException | RuntimeException e) {
        // a bug in one task or one connection's handling must not stop everything else on this thread
        LoggerFactory.getLogger(EventLoop.class).error("Event loop error", e);
      }
    }
    runTasks();
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close(); // whatever its owner did not close before the loop stopped
      } catch (IOException ignored) {
        // closing everything on the way out
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // shutting down
    }
  }

  /**
   * Polls, if that is worth it, until there is work (done already, for the sockets) or the busy-poll time
   * is over; true if there was work.
   */
  private boolean busyPolled() throws IOException {
    if (!busyPoll.worthIt()) return false;
    long until = System.nanoTime() + busyPoll.nanos();
    boolean found = false;
    do {
      found = selector.selectNow(this::ready) > 0 || !tasks.isEmpty();
      if (!found) Thread.onSpinWait();
    } while (!found && running && System.nanoTime() - until < 0);
    busyPoll.polled(found);
    return found;
  }

  private void runTasks() {
    Runnable task;
    for (int i = 0; i < TASKS_PER_TURN && (task = tasks.poll()) != null; i++) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(EventLoop.class).error("Task failed on an event loop", e);
      }
    }
  }

  private void runAfterTurn() {
    if (afterTurn.isEmpty()) return;
    List<Runnable> due = afterTurn;
    afterTurn = new ArrayList<>();
    for (Runnable task : due) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(EventLoop.class).error("Task failed on an event loop", e);
      }
    }
  }

  private void ready(SelectionKey key) {
    if (key.isValid()) ((Ready) key.attachment()).onReady(key.readyOps());
  }

  /** What a selection key of a loop is attached to. */
  public interface Ready {
    void onReady(int readyOps);
  }
}
