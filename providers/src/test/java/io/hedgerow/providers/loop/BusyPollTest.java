package io.hedgerow.providers.loop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a loop out of work polls before it sleeps: only while work keeps coming more often than its busy-poll time. */
class BusyPollTest {
  private static final long TWO_MS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final long SHORT = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long LONG = TimeUnit.MILLISECONDS.toNanos(10);

  @Test
  void offItNeverPolls() {
    BusyPoll off = new BusyPoll(0);
    assertFalse(off.worthIt());
    off.polled(true);
    off.slept(1);
    assertFalse(off.worthIt());
  }

  @Test
  void itPollsFromTheStartAndAgainAfterAPollThatFoundWork() {
    BusyPoll poll = new BusyPoll(TWO_MS);
    assertTrue(poll.worthIt());
    poll.polled(true);
    assertTrue(poll.worthIt());
  }

  @Test
  void afterAPollThatFoundNothingItPollsAgainOnlyOnceWorkHasComeSoonSeveralTimesInARow() {
    BusyPoll poll = new BusyPoll(TWO_MS);
    poll.polled(false);
    for (int i = 1; i < BusyPoll.SHORT_SLEEPS_TO_POLL; i++) {
      assertFalse(poll.worthIt());
      poll.slept(SHORT);
    }
    assertFalse(poll.worthIt());
    poll.slept(SHORT);
    assertTrue(poll.worthIt(), "work keeps coming more often than the busy-poll time");
  }

  @Test
  void requestsThatComeSeldomWithTheirAnswersSoonAfterDoNotMakeItPoll() {
    BusyPoll poll = new BusyPoll(TWO_MS);
    poll.polled(false);
    for (int request = 0; request < 10; request++) {
      poll.slept(LONG); // the next request
      assertFalse(poll.worthIt());
      poll.slept(SHORT); // its answer from upstream
      assertFalse(poll.worthIt());
    }
  }

  @Test
  void aNegativeTimeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BusyPoll(-1));
  }
}
