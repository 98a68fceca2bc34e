package io.hedgerow.providers.upstream.http1;

import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How the upstream client connects and pools: the limits are per origin for the whole client, split
 * evenly over its IO threads.
 */
public record Http1Settings(
    int ioThreads,
    int maxConnectionsPerOrigin,
    int maxWaitingPerOrigin,
    Duration connectTimeout,
    Duration idleTimeout,
    Duration responseIdleTimeout,
    SSLContext tls) {

  public Http1Settings {
    if (ioThreads < 1) throw new IllegalArgumentException("io-threads must be at least 1");
    if (maxConnectionsPerOrigin < ioThreads) throw new IllegalArgumentException("max-connections-per-host must be at least io-threads");
  }

  /** The defaults, with the JVM's default trust store. */
  public static Http1Settings defaults() {
    return new Http1Settings(1, 512, 4096, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(10),
        defaultTls());
  }

  /** The JVM's default TLS context: its trust store, host-name checks done by the client. */
  public static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("No default TLS context", e);
    }
  }

  int maxConnectionsPerLoop() {
    return (maxConnectionsPerOrigin + ioThreads - 1) / ioThreads;
  }

  int maxWaitingPerLoop() {
    return (maxWaitingPerOrigin + ioThreads - 1) / ioThreads;
  }
}
