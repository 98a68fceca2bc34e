package io.hedgerow.providers.upstream.http1;

import io.hedgerow.providers.loop.EventLoop;
import io.hedgerow.providers.loop.EventLoopGroup;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * A lean non-blocking HTTP/1.1 client for upstream calls: keep-alive connections pooled per origin, plain or
 * TLS, on event loops ({@link EventLoopGroup}): the gateway's own, where its actors run too, or a few of its
 * own. A response's head and body reach the caller's listener on the loop's thread as they arrive, with no
 * stream machinery and no thread hand-off in between. A call made on one of the loops stays on it.
 */
public final class Http1Client implements AutoCloseable {
  private final List<IoLoop> loops;
  private final EventLoopGroup group;
  private final boolean ownGroup;
  private final ExecutorService resolver;
  private final AtomicInteger next = new AtomicInteger();

  /** A client on event loops of its own, {@code settings.ioThreads()} of them. */
  public Http1Client(Http1Settings settings) {
    this(settings, new EventLoopGroup("hedgerow-upstream-io", settings.ioThreads()), true);
  }

  /** A client on {@code group}'s loops, which it leaves running when it closes. */
  public Http1Client(Http1Settings settings, EventLoopGroup group) {
    this(settings, group, false);
  }

  private Http1Client(Http1Settings settings, EventLoopGroup group, boolean ownGroup) {
    AtomicInteger resolvers = new AtomicInteger();
    this.resolver = Executors.newCachedThreadPool(task -> {
      Thread t = new Thread(task, "hedgerow-upstream-resolver-" + resolvers.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.group = group;
    this.ownGroup = ownGroup;
    this.loops = group.loops().stream().map(loop -> new IoLoop(settings, resolver, loop)).toList();
  }

  /**
   * Sends {@code request} (its body must be strict) and reports the response to {@code listener}.
   *
   * @throws IllegalArgumentException for a request that cannot be sent (not http(s), a streamed body)
   */
  public Call send(HttpRequest request, ResponseListener listener) {
    Origin origin = RequestBytes.originOf(request);
    IoLoop loop = loopFor(EventLoop.current());
    Call call = new Call(loop, origin, RequestBytes.render(request, origin), listener);
    loop.send(call);
    return call;
  }

  /** The caller's own loop when it is on one of this client's, else the next in turn. */
  private IoLoop loopFor(EventLoop current) {
    if (loops.size() == 1) return loops.get(0);
    for (IoLoop loop : loops) if (loop.eventLoop() == current) return loop;
    return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
  }

  /** Closes every connection; calls still waiting fail. */
  @Override
  public void close() {
    for (IoLoop loop : loops) loop.shutdown();
    resolver.shutdown();
    if (ownGroup) group.shutdown();
  }
}
