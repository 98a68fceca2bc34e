package io.hedgerow.providers.upstream.http1;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * A lean non-blocking HTTP/1.1 client for upstream calls: keep-alive connections pooled per origin, plain or
 * TLS, on a few IO threads of its own. A response's head and body reach the caller's listener on the IO
 * thread as they arrive, with no stream machinery and no thread hand-off in between.
 */
public final class Http1Client implements AutoCloseable {
  private final IoLoop[] loops;
  private final ExecutorService resolver;
  private final AtomicInteger next = new AtomicInteger();

  public Http1Client(Http1Settings settings) {
    AtomicInteger resolvers = new AtomicInteger();
    this.resolver = Executors.newCachedThreadPool(task -> {
      Thread t = new Thread(task, "hedgerow-upstream-resolver-" + resolvers.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.loops = new IoLoop[settings.ioThreads()];
    for (int i = 0; i < loops.length; i++) loops[i] = new IoLoop(settings, resolver, "hedgerow-upstream-io-" + (i + 1));
  }

  /**
   * Sends {@code request} (its body must be strict) and reports the response to {@code listener}.
   *
   * @throws IllegalArgumentException for a request that cannot be sent (not http(s), a streamed body)
   */
  public Call send(HttpRequest request, ResponseListener listener) {
    Origin origin = RequestBytes.originOf(request);
    IoLoop loop = loops.length == 1 ? loops[0] : loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    Call call = new Call(loop, origin, RequestBytes.render(request, origin), listener);
    loop.send(call);
    return call;
  }

  /** Closes every connection; calls still waiting fail. */
  @Override
  public void close() {
    for (IoLoop loop : loops) loop.shutdown();
    resolver.shutdown();
  }
}
