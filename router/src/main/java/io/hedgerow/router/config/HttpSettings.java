package io.hedgerow.router.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Where the gateway listens, the threads doing its client sockets' IO, the largest body it reads, how long a
 * client waits for its answer to start, and how long in-flight streams get at shutdown.
 */
public record HttpSettings(String host, int port, int ioThreads, long maxBodyBytes, Duration shutdownDeadline,
    Duration requestTimeout) {
  public static HttpSettings fromConfig(Config c) {
    int ioThreads = IoThreads.read(c);
    if (ioThreads < 1) throw new ConfigException.BadValue("hedgerow.http.io-threads", "must be at least 1, or auto");
    return new HttpSettings(c.getString("interface"), c.getInt("port"), ioThreads, c.getBytes("max-body-size"),
        c.getDuration("shutdown-deadline"), c.getDuration("request-timeout"));
  }
}
