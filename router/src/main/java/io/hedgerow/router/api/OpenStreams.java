package io.hedgerow.router.api;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/**
 * The SSE answers still being sent. Shutdown waits on them before it closes connections, because the server's
 * graceful terminate counts a request as done once its response headers are out and would cut a stream.
 */
public final class OpenStreams {
  private final Set<CompletableFuture<Done>> open = ConcurrentHashMap.newKeySet();

  /** Counts one stream as open; run what it returns, once, when the stream ends however it ends. */
  public Runnable open() {
    CompletableFuture<Done> finished = new CompletableFuture<>();
    open.add(finished);
    return () -> {
      open.remove(finished);
      finished.complete(Done.done());
    };
  }

  /** Completes once no stream is open, including streams that opened while it waited. */
  public CompletionStage<Done> allFinished() {
    CompletableFuture<?>[] pending = open.toArray(CompletableFuture[]::new);
    if (pending.length == 0) return CompletableFuture.completedFuture(Done.done());
    return CompletableFuture.allOf(pending).thenCompose(v -> allFinished());
  }
}
