package io.hedgerow.router.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogQueueTest {
  @Test
  void eventsPastTheCapacityAreDroppedAndCountedOnce() {
    LogQueue<String> queue = new LogQueue<>(2);

    assertTrue(queue.offer("a"));
    assertTrue(queue.offer("b"));
    assertFalse(queue.offer("c"));
    assertFalse(queue.offer("d"));

    assertEquals(2, queue.takeDropped());
    assertEquals(0, queue.takeDropped());
  }

  @Test
  void aDrainMakesRoomAgain() {
    LogQueue<String> queue = new LogQueue<>(2);
    queue.offer("a");
    queue.offer("b");
    List<String> drained = new ArrayList<>();

    assertEquals(2, queue.drainTo(drained::add));

    assertEquals(List.of("a", "b"), drained);
    assertTrue(queue.offer("c"));
  }

  @Test
  void eventsQueuedDuringADrainWaitForTheNextOne() {
    LogQueue<String> queue = new LogQueue<>(10);
    queue.offer("a");
    queue.offer("b");
    List<String> drained = new ArrayList<>();

    queue.drainTo(event -> {
      drained.add(event);
      queue.offer(event + "'");
    });

    assertEquals(List.of("a", "b"), drained);
    queue.drainTo(drained::add);
    assertEquals(List.of("a", "b", "a'", "b'"), drained);
  }
}
