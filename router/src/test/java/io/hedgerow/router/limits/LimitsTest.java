package io.hedgerow.router.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void readsOffAndNumbers() {
    Limits l = Limits.fromConfig(ConfigFactory.parseString(
        "requests-per-minute = off, tokens-per-minute = 90000, max-concurrent = 8, queue-size = 10, queue-timeout = 3s"),
        "limits");

    assertEquals(OptionalLong.empty(), l.requestsPerMinute());
    assertEquals(OptionalLong.of(90000), l.tokensPerMinute());
    assertEquals(8, l.maxConcurrent());
    assertEquals(Duration.ofSeconds(3), l.queueTimeout());
  }

  @Test
  void aNodesShareScalesRatesAndConcurrencyButNeverBelowOne() {
    Limits l = new Limits(OptionalLong.of(1000), OptionalLong.empty(), 2, 100, Duration.ofSeconds(2));

    Limits third = l.scaledTo(1.0 / 3);

    assertEquals(OptionalLong.of(333), third.requestsPerMinute());
    assertEquals(OptionalLong.empty(), third.tokensPerMinute());
    assertEquals(1, third.maxConcurrent());
    assertEquals(100, third.queueSize(), "the queue is the node's own");
  }
}
