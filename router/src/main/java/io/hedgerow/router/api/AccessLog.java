package io.hedgerow.router.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request on the {@code hedgerow.access} logger: what was asked, who answered,
 * how it ended and how long it took. Never prompt text, never a credential.
 */
public final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("hedgerow.access");

  private AccessLog() {}

  public static void record(String path, String model, int status, String provider, boolean hedged, int attempts, boolean stream,
      long startNanos, String outcome) {
    if (!log.isInfoEnabled()) return;
    log.info("path={} model={} status={} provider={} hedged={} attempts={} stream={} duration_ms={} outcome={}",
        path, model, status, provider, hedged, attempts, stream, (System.nanoTime() - startNanos) / 1_000_000, outcome);
  }
}
