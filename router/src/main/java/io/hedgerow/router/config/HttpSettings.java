package io.hedgerow.router.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** Where the gateway listens, the largest body it reads, and how long in-flight streams get at shutdown. */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration shutdownDeadline, Duration requestTimeout) {
  public static HttpSettings fromConfig(Config c) {
    return new HttpSettings(c.getString("interface"), c.getInt("port"), c.getBytes("max-body-size"),
        c.getDuration("shutdown-deadline"), c.getDuration("request-timeout"));
  }
}
