package io.hedgerow.router.hedging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long an attempt may go without a first token before it is hedged, fixed or from the provider's TTFT. */
class FirstTokenDeadlineTest {
  private static final FirstTokenDeadline.Adaptive ADAPTIVE =
      new FirstTokenDeadline.Adaptive(95, 1.5, Duration.ofMillis(150), Duration.ofSeconds(5), 50);

  /** A provider with {@code samples} answers whose TTFT at every percentile p is p × {@code msPerPercent} ms. */
  private static TtftPercentiles ttft(long samples, double msPerPercent) {
    return new TtftPercentiles(samples, p -> Duration.ofNanos((long) (p * msPerPercent * 1_000_000)));
  }

  @Test
  void fixedDeadlineIgnoresTheProvidersTtft() {
    var fixed = new FirstTokenDeadline.Fixed(Duration.ofMillis(800));

    assertEquals(Duration.ofMillis(800), fixed.forProvider(ttft(1000, 100)));
    assertEquals(Duration.ofMillis(800), fixed.forProvider(TtftPercentiles.NONE));
  }

  @Test
  void adaptiveDeadlineIsTheProvidersPercentileTimesTheMultiplier() {
    // p95 = 95 × 4 ms = 380 ms; × 1.5
    assertEquals(Duration.ofMillis(570), ADAPTIVE.forProvider(ttft(100, 4)));
  }

  @Test
  void adaptiveDeadlineIsNeverBelowItsMinimum() {
    // p95 = 95 ms; × 1.5 = 142.5 ms
    assertEquals(Duration.ofMillis(150), ADAPTIVE.forProvider(ttft(100, 1)));
  }

  @Test
  void adaptiveDeadlineIsNeverAboveItsMaximum() {
    // p95 = 9.5 s
    assertEquals(Duration.ofSeconds(5), ADAPTIVE.forProvider(ttft(100, 100)));
  }

  @Test
  void adaptiveDeadlineIsItsMaximumUntilTheProviderHasMinSamples() {
    assertEquals(Duration.ofSeconds(5), ADAPTIVE.forProvider(TtftPercentiles.NONE));
    assertEquals(Duration.ofSeconds(5), ADAPTIVE.forProvider(ttft(49, 4)));
    assertEquals(Duration.ofMillis(570), ADAPTIVE.forProvider(ttft(50, 4)));
  }

  @Test
  void fromConfigReadsAdaptiveWithItsBlock() {
    Config c = ConfigFactory.parseString(
        "first-token-deadline = adaptive\n"
            + "adaptive { percentile = 90, multiplier = 2, min = 100ms, max = 3s, min-samples = 10 }");

    assertEquals(new FirstTokenDeadline.Adaptive(90, 2.0, Duration.ofMillis(100), Duration.ofSeconds(3), 10),
        FirstTokenDeadline.fromConfig(c));
  }

  @Test
  void fromConfigReadsAFixedDuration() {
    Config c = ConfigFactory.parseString("first-token-deadline = 800ms");

    assertEquals(new FirstTokenDeadline.Fixed(Duration.ofMillis(800)), FirstTokenDeadline.fromConfig(c));
  }

  @Test
  void fromConfigRejectsAPercentileOutsideZeroToHundred() {
    for (String percentile : new String[] {"0", "-5", "150"}) {
      Config c = ConfigFactory.parseString("first-token-deadline = adaptive\n"
          + "adaptive { percentile = " + percentile + ", multiplier = 2, min = 100ms, max = 3s, min-samples = 10 }");

      var e = assertThrows(ConfigException.BadValue.class, () -> FirstTokenDeadline.fromConfig(c), percentile);
      assertTrue(e.getMessage().contains("percentile"), e.getMessage());
    }
  }

  @Test
  void fromConfigRejectsAWordThatIsNeitherAdaptiveNorADuration() {
    Config c = ConfigFactory.parseString("first-token-deadline = soon");

    assertThrows(ConfigException.BadValue.class, () -> FirstTokenDeadline.fromConfig(c));
  }

  @Test
  void shippedDefaultIsAdaptiveP95TimesOnePointFive() {
    Config defaults = ConfigFactory.defaultReference().getConfig("hedgerow.route-defaults.hedging");

    assertEquals(ADAPTIVE, HedgingSettings.fromConfig(defaults).deadline());
  }
}
