package io.hedgerow.router.logging;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The events between the threads that log and the one thread that writes them. Offering never blocks,
 * takes a lock or wakes a thread; past its capacity an event is dropped and counted instead.
 */
final class LogQueue<E> {
  private final Queue<E> events = new ConcurrentLinkedQueue<>();
  // ConcurrentLinkedQueue.size() walks the whole queue, so the bound keeps its own count.
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final int capacity;

  LogQueue(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    this.capacity = capacity;
  }

  /** Queues the event, or drops and counts it when the queue is full. Returns whether it was queued. */
  boolean offer(E event) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      dropped.incrementAndGet();
      return false;
    }
    events.add(event);
    return true;
  }

  /**
   * Hands the events queued when it was called to {@code sink}, oldest first, and returns how many. Events
   * offered meanwhile wait for the next drain, so a drain ends however fast other threads log.
   */
  int drainTo(Consumer<? super E> sink) {
    int limit = size.get();
    int taken = 0;
    try {
      while (taken < limit) {
        E event = events.poll();
        if (event == null) break; // counted by offer, not yet added: it goes with the next drain
        taken++;
        sink.accept(event);
      }
    } finally {
      // Once per drain rather than per event: the count only enforces the bound, and a drain late is fine.
      size.addAndGet(-taken);
    }
    return taken;
  }

  /** How many events were dropped since the last call. */
  long takeDropped() {
    return dropped.getAndSet(0);
  }
}
