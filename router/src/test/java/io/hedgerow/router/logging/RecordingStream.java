package io.hedgerow.router.logging;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stand-in for stdout that keeps what is written, counts the write calls, and can hold the writer inside one. */
final class RecordingStream extends OutputStream {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CountDownLatch writeEntered = new CountDownLatch(1);
  private volatile CountDownLatch released = new CountDownLatch(0);
  private int writes;

  /** Makes the next write calls wait inside the stream until {@link #release}, as a stalled stdout would. */
  void hold() {
    released = new CountDownLatch(1);
  }

  void release() {
    released.countDown();
  }

  /** Waits until a write call has started. */
  void awaitWriteEntered() throws InterruptedException {
    if (!writeEntered.await(5, TimeUnit.SECONDS)) throw new AssertionError("nothing was written within 5 s");
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    writeEntered.countDown();
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      writes++;
      bytes.write(b, off, len);
      notifyAll();
    }
  }

  synchronized int writes() {
    return writes;
  }

  synchronized String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  List<String> lines() {
    return text().lines().toList();
  }

  /** Waits, at most {@code atMost}, until what was written holds {@code expected}; returns the text. */
  synchronized String awaitText(String expected, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!text().contains(expected)) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) throw new AssertionError("no \"" + expected + "\" within " + atMost + "; written so far:\n" + text());
      wait(left);
    }
    return text();
  }
}
