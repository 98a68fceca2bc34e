package io.hedgerow.providers.upstream.http1;

import io.hedgerow.providers.loop.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The upstream client's part of one {@link EventLoop}: the connections and their pools that live there. It
 * runs the client's work on the loop's thread, and once a second closes connections past their deadlines.
 * Everything a connection does happens on that thread, so connections need no locks.
 */
final class IoLoop {
  private final Http1Settings settings;
  private final Executor resolver;
  private final EventLoop loop;
  private final Map<Origin, OriginPool> pools = new HashMap<>();
  private volatile boolean running = true;

  IoLoop(Http1Settings settings, Executor resolver, EventLoop loop) {
    this.settings = settings;
    this.resolver = resolver;
    this.loop = loop;
    loop.everySecond(this::sweep);
  }

  EventLoop eventLoop() {
    return loop;
  }

  Http1Settings settings() {
    return settings;
  }

  /** The buffer every connection of this loop reads into, and empties before it returns. */
  ByteBuffer readBuffer() {
    return loop.readBuffer();
  }

  Selector selector() {
    return loop.selector();
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    loop.execute(task);
  }

  /** Queues {@code call}; from this loop's own thread that wakes nobody, and the listener hears later. */
  void send(Call call) {
    execute(() -> start(call));
  }

  private void start(Call call) {
    if (call.cancelled()) return;
    if (!running) {
      call.listener.onFailure(new IOException("The upstream client is shutting down"));
      return;
    }
    pools.computeIfAbsent(call.origin, o -> new OriginPool(this, o, settings.maxConnectionsPerLoop(), settings.maxWaitingPerLoop()))
        .send(call);
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

  /** Closes every connection of this loop; calls sent from now on fail. */
  void shutdown() {
    running = false;
    execute(() -> {
      for (OriginPool pool : pools.values()) pool.closeAll();
    });
  }

  private void sweep() {
    long now = System.nanoTime();
    for (OriginPool pool : pools.values()) pool.sweep(now);
  }
}
