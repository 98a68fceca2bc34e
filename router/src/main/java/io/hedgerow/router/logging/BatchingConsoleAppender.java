package io.hedgerow.router.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A logback appender that writes to stdout in batches: the thread that logs only queues the event, and one
 * writer thread wakes every {@code flushIntervalMillis} to encode all that is queued and write it in one call.
 * WARN and ERROR wake the writer at once; when the queue is full, lines are dropped and their number reported.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  static final int DEFAULT_QUEUE_SIZE = 8192;
  /**
   * Long enough that a batch at saturation holds hundreds of lines (about 450 at 9,000 requests/s), so the
   * write costs one system call per batch instead of one per line, and short enough that a person tailing the
   * log or a shutdown waiting for it does not notice. Idle, it costs 20 wake-ups a second.
   */
  static final long DEFAULT_FLUSH_INTERVAL_MILLIS = 50;
  /** How long stop() waits for a write in progress, as AsyncAppender's default maxFlushTime. */
  private static final long STOP_WAIT_MILLIS = 1000;
  static final String WRITER_THREAD_NAME = "hedgerow-log-writer";
  /** Above this, the batch buffer is let go after a write instead of being kept for the next one. */
  private static final int KEPT_BUFFER_BYTES = 1 << 20;

  private final Supplier<OutputStream> target;
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  private Encoder<ILoggingEvent> encoder;
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private long flushIntervalMillis = DEFAULT_FLUSH_INTERVAL_MILLIS;
  // Set in start() before `started` (volatile) turns true, so append() sees them.
  private LogQueue<ILoggingEvent> queue;
  private Thread writer;
  private volatile boolean running;
  // The writer thread's alone while it runs; stop() takes it over once the writer has ended.
  private ByteArrayOutputStream batch = new ByteArrayOutputStream();
  private boolean lastWriteFailed;

  /** Writes to {@code System.out}, looked up at each write so that a redirected stdout is followed. */
  public BatchingConsoleAppender() {
    this(() -> System.out);
  }

  /** Writes to {@code out} instead of stdout, for tests. */
  BatchingConsoleAppender(OutputStream out) {
    this(() -> out);
  }

  private BatchingConsoleAppender(Supplier<OutputStream> target) {
    this.target = target;
  }

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public Encoder<ILoggingEvent> getEncoder() {
    return encoder;
  }

  /** How many events may wait for the writer before new ones are dropped. */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public int getQueueSize() {
    return queueSize;
  }

  /** How long the writer sleeps between batches. */
  public void setFlushIntervalMillis(long flushIntervalMillis) {
    this.flushIntervalMillis = flushIntervalMillis;
  }

  public long getFlushIntervalMillis() {
    return flushIntervalMillis;
  }

  @Override
  public void start() {
    if (isStarted()) return;
    if (encoder == null) {
      addError("No encoder set for the appender named [" + name + "].");
      return;
    }
    if (queueSize < 1 || flushIntervalMillis < 1) {
      addError("queueSize and flushIntervalMillis must be positive, were " + queueSize + " and " + flushIntervalMillis);
      return;
    }
    queue = new LogQueue<>(queueSize);
    byte[] header = encoder.headerBytes();
    if (header != null) batch.writeBytes(header);
    running = true;
    writer = new Thread(this::writeUntilStopped, WRITER_THREAD_NAME);
    writer.setDaemon(true); // never what keeps the JVM up; at exit LoggingShutdownHook's stop() writes what is left
    writer.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // The writer formats later on its own thread: fix the message, MDC and thread name now. Caller data is
    // left out, as it costs a stack walk per line: a pattern with %line or %caller would show the writer's.
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) return;
    // Warnings and errors are rare, so waking the writer for them costs little; the flag keeps a burst of
    // them to one wake-up per batch.
    if (event.getLevel().isGreaterOrEqual(Level.WARN) && !wakeRequested.get() && !wakeRequested.getAndSet(true)) {
      LockSupport.unpark(writer);
    }
  }

  private void writeUntilStopped() {
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
    while (running) {
      LockSupport.parkNanos(this, intervalNanos);
      // park returns at once while the interrupt flag is set; clear it so that the loop never spins.
      Thread.interrupted();
      wakeRequested.set(false); // before draining, so a warning queued during this batch wakes the next
      try {
        encodeQueued();
        writeBatch();
      } catch (RuntimeException e) {
        batch.reset();
        addError("Could not encode a batch of log events", e);
      }
    }
  }

  /**
   * Stops the writer, then writes what is still queued and the encoder's footer. Events that arrive while
   * stopping may be lost, as with any logback appender.
   */
  @Override
  public void stop() {
    if (!isStarted()) return;
    super.stop();
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(STOP_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      addWarn("The log writer is still writing after " + STOP_WAIT_MILLIS + " ms; the lines still queued are lost.");
      return;
    }
    encodeQueued();
    byte[] footer = encoder.footerBytes();
    if (footer != null) batch.writeBytes(footer);
    writeBatch();
  }

  private void encodeQueued() {
    queue.drainTo(event -> batch.writeBytes(encoder.encode(event)));
    long dropped = queue.takeDropped();
    if (dropped > 0) batch.writeBytes(encoder.encode(dropReport(dropped)));
  }

  /** The line that says how many lines were lost, formatted like the others. */
  private ILoggingEvent dropReport(long dropped) {
    LoggerContext context = (LoggerContext) getContext();
    String message = dropped + (dropped == 1 ? " log line" : " log lines") + " dropped: the log writer fell behind";
    return new LoggingEvent(BatchingConsoleAppender.class.getName(), context.getLogger(BatchingConsoleAppender.class),
        Level.WARN, message, null, null);
  }

  /**
   * One write for the whole batch. On System.out (a PrintStream over a BufferedOutputStream) a write of at
   * least its 128-byte buffer goes straight to the file descriptor, a shorter one is flushed by autoflush:
   * either way one system call, and the flush after it has nothing left to write.
   */
  private void writeBatch() {
    if (batch.size() == 0) return;
    int size = batch.size();
    try {
      OutputStream out = target.get();
      batch.writeTo(out);
      out.flush();
      lastWriteFailed = false;
    } catch (IOException e) {
      if (!lastWriteFailed) addError("Could not write log lines; dropping them until a write succeeds", e);
      lastWriteFailed = true;
    } finally {
      if (size > KEPT_BUFFER_BYTES) {
        batch = new ByteArrayOutputStream();
      } else {
        batch.reset();
      }
    }
  }
}
