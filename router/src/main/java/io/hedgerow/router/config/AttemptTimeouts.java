package io.hedgerow.router.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How long one upstream attempt may take: to its first token, between two chunks, and in all. Each
 * expiry is a {@code timeout} failure: before the first token it fails over, after it ends the stream.
 */
public record AttemptTimeouts(Duration firstToken, Duration idle, Duration total) {
  public static AttemptTimeouts fromConfig(Config c) {
    return new AttemptTimeouts(c.getDuration("first-token"), c.getDuration("idle"), c.getDuration("total"));
  }
}
