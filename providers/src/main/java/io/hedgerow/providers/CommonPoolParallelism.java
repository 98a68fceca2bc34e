package io.hedgerow.providers;

/**
 * Gives the JDK's common ForkJoin pool at least two threads before anything uses it. With fewer (the JDK
 * picks cores - 1, so 1 on a 2-core machine), CompletableFuture runs every async stage on a brand-new
 * thread, and Pekko's Java API hands back futures whose callbacks run async: several thread starts per
 * request. Call it first thing in a main, before any CompletableFuture or ForkJoinPool class loads.
 */
public final class CommonPoolParallelism {
  private static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPoolParallelism() {}

  public static void ensure() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }
}
