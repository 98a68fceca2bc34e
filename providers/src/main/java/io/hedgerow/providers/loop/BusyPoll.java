package io.hedgerow.providers.loop;

/**
 * Whether an {@link EventLoop} that has run out of work should poll for more, for up to its busy-poll time,
 * before it sleeps in its selector. Polling pays only while work keeps coming more often than that. So a
 * loop polls from the start and after every poll that found work; after a poll that found none it sleeps
 * straight away until it has woken to work within the busy-poll time {@value #SHORT_SLEEPS_TO_POLL} times in
 * a row. A loop whose requests come seldom then does not keep a core busy after each of them: the answer
 * from upstream coming soon after the request is one short sleep, not a run of them. One loop's, used on
 * its thread only.
 */
final class BusyPoll {
  static final int SHORT_SLEEPS_TO_POLL = 4;

  private final long nanos;
  private int shortSleeps = SHORT_SLEEPS_TO_POLL;

  BusyPoll(long nanos) {
    if (nanos < 0) throw new IllegalArgumentException("busy-poll cannot be negative");
    this.nanos = nanos;
  }

  long nanos() {
    return nanos;
  }

  /** Whether this loop busy-polls at all (only then does it time its sleeps). */
  boolean on() {
    return nanos > 0;
  }

  /** Whether to poll now, before sleeping. */
  boolean worthIt() {
    return on() && shortSleeps >= SHORT_SLEEPS_TO_POLL;
  }

  void polled(boolean foundWork) {
    shortSleeps = foundWork ? SHORT_SLEEPS_TO_POLL : 0;
  }

  void slept(long sleptNanos) {
    shortSleeps = sleptNanos < nanos ? Math.min(shortSleeps + 1, SHORT_SLEEPS_TO_POLL) : 0;
  }
}
