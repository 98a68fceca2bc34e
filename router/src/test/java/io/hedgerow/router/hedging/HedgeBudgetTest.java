package io.hedgerow.router.hedging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A route's hedge budget over its sliding window, with a clock the test moves by hand. */
class HedgeBudgetTest {
  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final AtomicLong nanos = new AtomicLong(0);

  private HedgeBudget budget(double percent, int minimum) {
    return new HedgeBudget(
        new HedgingSettings(true, new FirstTokenDeadline.Fixed(Duration.ofMillis(500)), 1, percent, WINDOW, minimum),
        nanos::get);
  }

  private void timePasses(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  private static void requests(HedgeBudget budget, int n) {
    for (int i = 0; i < n; i++) budget.recordRequest();
  }

  /** Takes hedges until the budget refuses one; answers how many it granted. */
  private static int hedgesAllowed(HedgeBudget budget) {
    int allowed = 0;
    while (budget.tryHedge()) {
      allowed++;
      if (allowed > 1000) throw new AssertionError("the budget never ran out");
    }
    return allowed;
  }

  @Test
  void quietRouteMayAlwaysHedgeItsMinimum() {
    HedgeBudget budget = budget(10, 2);
    requests(budget, 3); // 10% of 3 rounds down to none

    assertTrue(budget.tryHedge());
    assertTrue(budget.tryHedge());
    assertFalse(budget.tryHedge());
    assertEquals(1, budget.denied());
  }

  @Test
  void busyRouteMayHedgeItsPercentOfRequests() {
    HedgeBudget budget = budget(10, 2);
    requests(budget, 50);

    assertEquals(5, hedgesAllowed(budget), "10% of 50 requests");
  }

  @Test
  void percentShareRoundsDown() {
    HedgeBudget budget = budget(10, 0);
    requests(budget, 19);

    assertEquals(1, hedgesAllowed(budget), "10% of 19 requests is 1.9 hedges");
  }

  @Test
  void noPercentAndNoMinimumAllowsNoHedge() {
    HedgeBudget budget = budget(0, 0);
    requests(budget, 100);

    assertFalse(budget.tryHedge());
    assertEquals(1, budget.denied());
  }

  @Test
  void everyHedgeBeyondTheBudgetIsDeniedAndCounted() {
    HedgeBudget budget = budget(10, 1);
    requests(budget, 10);
    assertTrue(budget.tryHedge());

    for (int i = 0; i < 3; i++) assertFalse(budget.tryHedge());

    assertEquals(3, budget.denied());
  }

  @Test
  void requestsAndHedgesCountUntilTheyFallOutOfTheWindow() {
    HedgeBudget budget = budget(10, 0);
    requests(budget, 50);
    assertEquals(5, hedgesAllowed(budget));

    timePasses(WINDOW.minusMillis(1));
    assertFalse(budget.tryHedge(), "the first slice's hedges still count");
    timePasses(Duration.ofMillis(1));
    assertFalse(budget.tryHedge(), "its requests have left the window too");

    requests(budget, 50);
    assertEquals(5, hedgesAllowed(budget), "a fresh window: 10% of the new requests");
  }

  @Test
  void slicesLeaveTheWindowOneByOne() {
    HedgeBudget budget = budget(10, 0);
    requests(budget, 20); // t = 0s
    timePasses(Duration.ofSeconds(5));
    requests(budget, 20); // t = 5s
    assertEquals(4, hedgesAllowed(budget), "10% of 40");

    timePasses(Duration.ofSeconds(5)); // t = 10s: the requests of t = 0s are out; the hedges of t = 5s are not

    assertFalse(budget.tryHedge(), "4 hedges already against 10% of the 20 requests left");
    requests(budget, 40);
    assertEquals(2, hedgesAllowed(budget), "10% of 60, less the 4 taken");
  }

  @Test
  void aLongSilenceEmptiesTheWindow() {
    HedgeBudget budget = budget(50, 0);
    requests(budget, 100);
    assertEquals(50, hedgesAllowed(budget));

    timePasses(Duration.ofHours(1));

    assertFalse(budget.tryHedge(), "no requests in the window");
    requests(budget, 2);
    assertTrue(budget.tryHedge());
  }
}
