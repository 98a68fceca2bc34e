package io.hedgerow.router.hedging;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** A route's hedging knobs, read once from its {@code hedging} block over {@code hedgerow.route-defaults.hedging}. */
public record HedgingSettings(
    boolean enabled, FirstTokenDeadline deadline, int maxExtraAttempts, double budgetPercent, Duration budgetWindow,
    int budgetMinimum) {

  public static final HedgingSettings OFF = new HedgingSettings(false, new FirstTokenDeadline.Fixed(Duration.ofDays(1)), 0,
      0, Duration.ofSeconds(10), 0);

  public static HedgingSettings fromConfig(Config c) {
    int extra = c.getInt("max-extra-attempts");
    if (extra < 0) throw new ConfigException.BadValue(c.origin(), "max-extra-attempts", "must be 0 or more");
    double percent = c.getDouble("budget-percent");
    if (percent < 0 || percent > 100) throw new ConfigException.BadValue(c.origin(), "budget-percent", "must be 0 to 100");
    return new HedgingSettings(c.getBoolean("enabled"), FirstTokenDeadline.fromConfig(c), extra, percent,
        c.getDuration("budget-window"), c.getInt("budget-minimum"));
  }

  /** True when this route may send a hedge at all. */
  public boolean active() {
    return enabled && maxExtraAttempts > 0;
  }
}
