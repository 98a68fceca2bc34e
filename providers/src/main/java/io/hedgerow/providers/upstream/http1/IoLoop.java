package io.hedgerow.providers.upstream.http1;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * One IO thread with its selector: it owns its connections and their pools, runs the tasks other threads
 * hand it, and once a second closes connections past their deadlines. Everything a connection does
 * happens here, so connections need no locks.
 */
final class IoLoop implements Runnable {
  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final Http1Settings settings;
  private final Executor resolver;
  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final Map<Origin, OriginPool> pools = new HashMap<>();
  private final ByteBuffer readBuffer;
  private volatile boolean running = true;

  IoLoop(Http1Settings settings, Executor resolver, String name) {
    this.settings = settings;
    this.resolver = resolver;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  Http1Settings settings() {
    return settings;
  }

  /** The buffer every connection of this loop reads into, and empties before it returns. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  Selector selector() {
    return selector;
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) selector.wakeup();
  }

  void send(Call call) {
    execute(() -> {
      if (call.cancelled()) return;
      if (!running) {
        call.listener.onFailure(new IOException("The upstream client is shutting down"));
        return;
      }
      pools.computeIfAbsent(call.origin, o -> new OriginPool(this, o, settings.maxConnectionsPerLoop(), settings.maxWaitingPerLoop()))
          .send(call);
    });
  }

  void cancel(Call call) {
    OriginPool pool = pools.get(call.origin);
    if (pool != null) pool.cancel(call);
  }

  /** Resolves the origin's host off this thread (a name lookup may block), then connects here. */
  void resolve(Origin origin, Http1Connection connection) {
    resolver.execute(() -> {
      InetSocketAddress address = new InetSocketAddress(origin.host(), origin.port());
      execute(() -> {
        if (address.isUnresolved()) connection.onResolveFailed(origin.host());
        else connection.connect(address);
      });
    });
  }

  void shutdown() {
    running = false;
    execute(() -> { });
  }

  @Override
  public void run() {
    long nextSweep = System.nanoTime() + SWEEP_NANOS;
    while (running) {
      try {
        selector.select(this::ready, TimeUnit.NANOSECONDS.toMillis(SWEEP_NANOS));
        wakeupPending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          nextSweep = now + SWEEP_NANOS;
          for (OriginPool pool : pools.values()) pool.sweep(now);
        }
      } catch (IOException | RuntimeException e) {
        // a bug in one connection's handling must not stop every other connection's IO
        LoggerFactory.getLogger(IoLoop.class).error("Upstream IO loop error", e);
      }
    }
    Runnable task;
    while ((task = tasks.poll()) != null) task.run();
    for (OriginPool pool : pools.values()) pool.closeAll();
    try {
      selector.close();
    } catch (IOException ignored) {
      // shutting down
    }
  }

  private void ready(SelectionKey key) {
    if (key.isValid()) ((Http1Connection) key.attachment()).onReady(key.readyOps());
  }
}
