package io.hedgerow.providers.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event loops that run the gateway's actors and its socket IO, as an executor and as selector threads. */
class EventLoopGroupTest {
  private EventLoopGroup group;

  @AfterEach
  void stop() throws InterruptedException {
    if (group != null) {
      group.shutdown();
      assertTrue(group.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void tasksRunOnALoopInTheOrderGivenAndNeverInTheCaller() throws Exception {
    group = new EventLoopGroup("test", 1);
    EventLoop loop = group.loops().get(0);
    List<Integer> order = new ArrayList<>();
    CompletableFuture<Boolean> nestedRanInline = new CompletableFuture<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      loop.execute(() -> order.add(n));
    }
    loop.execute(() -> {
      boolean[] ran = {false};
      loop.execute(() -> ran[0] = true);
      nestedRanInline.complete(ran[0]);
    });
    assertFalse(nestedRanInline.get(5, TimeUnit.SECONDS), "a task handed over on the loop waits its turn");
    CompletableFuture<List<Integer>> seen = new CompletableFuture<>();
    loop.execute(() -> seen.complete(List.copyOf(order)));
    assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), seen.get(5, TimeUnit.SECONDS));
    assertNull(EventLoop.current(), "the test's thread is no loop");
  }

  @Test
  void aTaskHandedOverOnALoopStaysThereAndOthersGoRoundTheLoops() throws Exception {
    group = new EventLoopGroup("test", 3);
    Set<EventLoop> used = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<EventLoop> ranOn = new CompletableFuture<>();
      group.execute(() -> ranOn.complete(EventLoop.current()));
      used.add(ranOn.get(5, TimeUnit.SECONDS));
    }
    assertEquals(Set.copyOf(group.loops()), used);

    for (EventLoop loop : group.loops()) {
      CompletableFuture<EventLoop> inner = new CompletableFuture<>();
      loop.execute(() -> group.execute(() -> inner.complete(EventLoop.current())));
      assertSame(loop, inner.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void afterTurnRunsOnceTheTurnsTasksAndThoseTheyQueuedHaveRun() throws Exception {
    group = new EventLoopGroup("test", 1);
    EventLoop loop = group.loops().get(0);
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<List<String>> done = new CompletableFuture<>();
    loop.execute(() -> {
      loop.afterTurn(() -> {
        order.add("after turn");
        loop.execute(() -> done.complete(List.copyOf(order)));
      });
      order.add("task");
      loop.execute(() -> loop.execute(() -> order.add("queued by a queued task")));
    });
    assertEquals(List.of("task", "queued by a queued task", "after turn"), done.get(5, TimeUnit.SECONDS));
    assertThrows(IllegalStateException.class, () -> loop.afterTurn(() -> { }), "only from the loop's thread");
  }

  @Test
  void aFailingTaskDoesNotStopTheLoop() throws Exception {
    group = new EventLoopGroup("test", 1);
    group.execute(() -> {
      throw new IllegalStateException("boom (expected in this test)");
    });
    CompletableFuture<String> after = new CompletableFuture<>();
    group.execute(() -> after.complete("still running"));
    assertEquals("still running", after.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aRegisteredSocketIsServedOnItsLoopAndEverySecondTasksRun() throws Exception {
    group = new EventLoopGroup("test", 1);
    EventLoop loop = group.loops().get(0);
    CountDownLatch ticked = new CountDownLatch(2);
    loop.everySecond(ticked::countDown);
    assertSame(loop, acceptedOn(loop));
    assertTrue(ticked.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aBusyPollingLoopServesSocketsAndTasksAndSleepsOnceIdleForLongerThanItsBusyPollTime() throws Exception {
    group = new EventLoopGroup("test", 1, Duration.ofMillis(20));
    EventLoop loop = group.loops().get(0);
    assertSame(loop, acceptedOn(loop));
    CompletableFuture<EventLoop> ran = new CompletableFuture<>();
    group.execute(() -> ran.complete(EventLoop.current()));
    assertSame(loop, ran.get(5, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!sleepsInItsSelector(loop)) {
      assertTrue(System.nanoTime() < deadline, "the loop still polls long after its last work");
      Thread.onSpinWait();
    }
  }

  @Test
  void aLoopThatWouldBusyPollForAnHourStillStopsAtShutdown() throws Exception {
    group = new EventLoopGroup("test", 1, Duration.ofHours(1));
    CompletableFuture<String> ran = new CompletableFuture<>();
    group.execute(() -> ran.complete("ran"));
    assertEquals("ran", ran.get(5, TimeUnit.SECONDS));
    assertFalse(sleepsInItsSelector(group.loops().get(0)));
    group.shutdown();
    assertTrue(group.awaitTermination(5, TimeUnit.SECONDS));
    group = null;
  }

  @Test
  void aNegativeBusyPollTimeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new EventLoopGroup("test", 1, Duration.ofMillis(-1)));
  }

  /** Whether the loop's thread waits in a selector's blocking select (not a poll with selectNow). */
  private static boolean sleepsInItsSelector(EventLoop loop) {
    for (StackTraceElement frame : loop.thread().getStackTrace()) {
      if (frame.getMethodName().equals("select") && frame.getClassName().endsWith("SelectorImpl")) return true;
    }
    return false;
  }

  /** Registers a listener on {@code loop}, connects to it, and returns the loop its accept ran on. */
  private static EventLoop acceptedOn(EventLoop loop) throws Exception {
    CompletableFuture<EventLoop> accepted = new CompletableFuture<>();
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      listener.configureBlocking(false);
      loop.execute(() -> {
        try {
          listener.register(loop.selector(), SelectionKey.OP_ACCEPT, (EventLoop.Ready) ops -> {
            try {
              if (listener.accept() != null) accepted.complete(EventLoop.current());
            } catch (java.io.IOException e) {
              accepted.completeExceptionally(e);
            }
          });
        } catch (java.io.IOException e) {
          accepted.completeExceptionally(e);
        }
      });
      try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) listener.getLocalAddress()).getPort())) {
        return accepted.get(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void shutdownRunsWhatWasQueuedThenEndsTheThreadsAndClosesTheirSockets() throws Exception {
    group = new EventLoopGroup("test", 2);
    EventLoop loop = group.loops().get(1);
    ServerSocketChannel listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    listener.configureBlocking(false);
    CompletableFuture<String> queued = new CompletableFuture<>();
    loop.execute(() -> {
      try {
        listener.register(loop.selector(), SelectionKey.OP_ACCEPT, (EventLoop.Ready) ops -> { });
      } catch (java.io.IOException e) {
        queued.completeExceptionally(e);
      }
      queued.complete("ran");
    });
    group.shutdown();
    assertTrue(group.awaitTermination(5, TimeUnit.SECONDS));
    assertTrue(group.isShutdown() && group.isTerminated());
    assertEquals("ran", queued.getNow("not run"));
    assertFalse(listener.isOpen(), "a socket still registered is closed with its loop");
    group = null;
  }
}
