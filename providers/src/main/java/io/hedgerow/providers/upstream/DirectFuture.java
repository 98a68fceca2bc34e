package io.hedgerow.providers.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Continues one of Pekko's futures on the thread that completes it. The CompletionStages of Pekko's Java
 * API are converted Scala futures whose {@code thenApply}, {@code thenCompose}, {@code whenComplete} and
 * the like each hop to the common ForkJoin pool: a task hand-off, and usually a thread wake-up, per stage,
 * several per request. The stages Hedgerow chains on them are short and never block, so they run where the
 * future completes (a dispatcher thread) instead.
 */
public final class DirectFuture {
  private DirectFuture() {}

  public static <T> CompletableFuture<T> of(CompletionStage<T> stage) {
    if (stage.getClass() == CompletableFuture.class) return (CompletableFuture<T>) stage;
    CompletableFuture<T> direct = new CompletableFuture<>();
    // the *Async form with an executor is the one the Scala conversion does not redirect to the common pool
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) direct.completeExceptionally(failure);
      else direct.complete(value);
    }, Runnable::run);
    return direct;
  }
}
