package io.hedgerow.router.limits;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * What one node may ask of one provider: requests and tokens per minute (empty = no limit of ours),
 * attempts in flight at once, and how many requests may wait for capacity, for how long.
 */
public record Limits(
    OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, int maxConcurrent, int queueSize, Duration queueTimeout) {

  public static final int DEFAULT_QUEUE_SIZE = 1000;
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(2);

  /** Only a concurrency limit, as in tests that care about nothing else. */
  public static Limits concurrency(int maxConcurrent) {
    return new Limits(OptionalLong.empty(), OptionalLong.empty(), maxConcurrent, DEFAULT_QUEUE_SIZE, DEFAULT_QUEUE_TIMEOUT);
  }

  /** Reads a {@code limits} block; {@code path} names it in errors. */
  public static Limits fromConfig(Config c, String path) {
    Limits limits = new Limits(perMinute(c, "requests-per-minute", path), perMinute(c, "tokens-per-minute", path),
        c.getInt("max-concurrent"), c.getInt("queue-size"), c.getDuration("queue-timeout"));
    if (limits.maxConcurrent < 1) throw new ConfigException.BadValue(path + ".max-concurrent", "must be at least 1");
    if (limits.queueSize < 0) throw new ConfigException.BadValue(path + ".queue-size", "must not be negative");
    if (limits.queueTimeout.isNegative()) throw new ConfigException.BadValue(path + ".queue-timeout", "must not be negative");
    return limits;
  }

  /**
   * This node's share of the limits when {@code share} of the provider's traffic goes through it (e.g.
   * 1/3 on a three-node cluster). Rates and concurrency scale, never below 1; the queue is this node's own.
   */
  public Limits scaledTo(double share) {
    if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share must be in (0, 1]: " + share);
    return new Limits(scale(requestsPerMinute, share), scale(tokensPerMinute, share),
        (int) Math.max(1, Math.round(maxConcurrent * share)), queueSize, queueTimeout);
  }

  private static OptionalLong scale(OptionalLong limit, double share) {
    return limit.isPresent() ? OptionalLong.of(Math.max(1, Math.round(limit.getAsLong() * share))) : limit;
  }

  /** {@code off} (or {@code false}) for no limit, else a positive number. */
  private static OptionalLong perMinute(Config c, String key, String path) {
    var value = c.getValue(key);
    boolean off = value.valueType() == ConfigValueType.BOOLEAN ? !c.getBoolean(key)
        : value.valueType() == ConfigValueType.STRING && value.unwrapped().toString().equalsIgnoreCase("off");
    if (off) return OptionalLong.empty();
    long n;
    try {
      n = c.getLong(key);
    } catch (ConfigException.WrongType e) {
      throw new ConfigException.BadValue(path + "." + key, "must be off or a positive number");
    }
    if (n < 1) throw new ConfigException.BadValue(path + "." + key, "must be off or a positive number");
    return OptionalLong.of(n);
  }
}
