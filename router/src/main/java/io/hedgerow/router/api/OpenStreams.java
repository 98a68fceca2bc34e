package io.hedgerow.router.api;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The SSE answers still being sent. Shutdown waits on them before it closes connections, because Pekko's
 * graceful terminate counts a request as done once its response headers are out and would cut a stream.
 */
public final class OpenStreams {
  private final Set<CompletableFuture<Done>> open = ConcurrentHashMap.newKeySet();

  /** Counts {@code body} as open from when it starts until it ends, however it ends. */
  public <T, M> Source<T, M> track(Source<T, M> body) {
    return body.watchTermination((mat, done) -> {
      CompletableFuture<Done> finished = done.toCompletableFuture();
      open.add(finished);
      finished.whenComplete((d, e) -> open.remove(finished));
      return mat;
    });
  }

  /** Completes once no stream is open, including streams that opened while it waited. */
  public CompletionStage<Done> allFinished() {
    CompletableFuture<?>[] pending = open.stream().filter(f -> !f.isDone())
        .map(f -> f.handle((d, e) -> Done.done())).toArray(CompletableFuture[]::new);
    if (pending.length == 0) return CompletableFuture.completedFuture(Done.done());
    return CompletableFuture.allOf(pending).thenCompose(v -> allFinished());
  }
}
