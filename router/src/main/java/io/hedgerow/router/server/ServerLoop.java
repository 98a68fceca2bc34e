package io.hedgerow.router.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * One server IO thread with its selector. It reads every one of its connections' requests as they arrive
 * (read interest stays registered while the connection's stream wants bytes, so a request costs no
 * {@code epoll_ctl} and no wake-up of this thread), finishes the writes a socket could not take at once, and
 * runs the tasks other threads hand it. Interest changes happen only here.
 */
final class ServerLoop implements Runnable {
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
  private volatile boolean running = true;

  ServerLoop(String name) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  Selector selector() {
    return selector;
  }

  /** The buffer every socket of this loop reads into; whoever reads empties it before returning. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) selector.wakeup();
  }

  /** Stops the thread once the tasks handed to it so far have run; open sockets are closed with the selector. */
  void shutdown() {
    running = false;
    selector.wakeup();
  }

  @Override
  public void run() {
    while (running) {
      try {
        selector.select(this::ready);
        wakeupPending.set(false);
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
      } catch (IOException | RuntimeException e) {
        // a bug in one connection's handling must not stop every other connection's IO
        LoggerFactory.getLogger(ServerLoop.class).error("Server IO loop error", e);
      }
    }
    Runnable task;
    while ((task = tasks.poll()) != null) task.run();
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close();
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

  private void ready(SelectionKey key) {
    if (key.isValid()) ((Ready) key.attachment()).onReady(key.readyOps());
  }

  /** What a key of this loop is attached to: the listening socket or a connection. */
  interface Ready {
    void onReady(int readyOps);
  }
}
