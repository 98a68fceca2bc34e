package io.hedgerow.router.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches stdout through {@link BatchingConsoleAppender}: every line, in order, in few writes. */
class BatchedConsoleLogTest {
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration PATIENCE = Duration.ofSeconds(5);
  private static final String DROP_REPORT_LOGGER = BatchingConsoleAppender.class.getName();

  private final LoggerContext context = new LoggerContext();
  private final RecordingStream stdout = new RecordingStream();

  @BeforeEach
  void giveTheContextAnMdc() {
    context.setMDCAdapter(new LogbackMDCAdapter()); // SLF4J's provider does this for the context it builds
  }

  @AfterEach
  void stopLogging() {
    context.stop();
  }

  @Test
  void linesFromManyThreadsAllArriveFormattedAndInEachThreadsOrder() throws Exception {
    BatchingConsoleAppender appender = appender(8192, Duration.ofMillis(5));
    Logger log = logger(appender);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(new Thread(() -> IntStream.range(0, 500).forEach(i -> log.info("thread={} line={}", thread, i))));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) t.join();
    appender.stop();

    List<String> lines = stdout.lines();
    assertEquals(2000, lines.size(), stdout.text());
    int[] next = new int[4];
    for (String line : lines) {
      String[] parts = line.split("INFO  hedgerow.access - thread=| line=");
      assertEquals(3, parts.length, "not formatted by the encoder: " + line);
      int thread = Integer.parseInt(parts[1]);
      assertEquals(next[thread]++, Integer.parseInt(parts[2]), "out of order: " + line);
    }
  }

  @Test
  void aThousandQueuedLinesGoOutInOneWrite() {
    BatchingConsoleAppender appender = appender(8192, NEVER);
    Logger log = logger(appender);
    for (int i = 0; i < 1000; i++) log.info("line {}", i);

    appender.stop();

    assertEquals(1000, stdout.lines().size());
    assertEquals(1, stdout.writes());
  }

  @Test
  void theWriterWritesOncePerIntervalNotOncePerLine() throws Exception {
    Duration interval = Duration.ofMillis(20);
    Logger log = logger(appender(8192, interval));
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) log.info("line {}", i);

    stdout.awaitText("line 999\n", PATIENCE);

    long intervals = (System.nanoTime() - start) / interval.toNanos();
    assertEquals(1000, stdout.lines().size());
    assertTrue(stdout.writes() <= intervals + 2, stdout.writes() + " writes in " + intervals + " intervals");
  }

  @Test
  void stopWritesTheLinesStillQueued() {
    BatchingConsoleAppender appender = appender(8192, NEVER);
    Logger log = logger(appender);
    log.info("one");
    log.info("two");
    assertEquals("", stdout.text(), "written before the interval or stop");

    appender.stop();

    assertEquals(List.of("INFO  hedgerow.access - one", "INFO  hedgerow.access - two"), stdout.lines());
  }

  @Test
  void aWarningIsWrittenWithoutWaitingForTheInterval() throws Exception {
    Logger log = logger(appender(8192, NEVER));
    log.info("before the warning");
    log.warn("upstream refused");

    stdout.awaitText("upstream refused", PATIENCE);

    assertEquals(List.of("INFO  hedgerow.access - before the warning", "WARN  hedgerow.access - upstream refused"),
        stdout.lines());
  }

  @Test
  void linesPastTheQueueSizeAreDroppedAndTheirNumberWritten() {
    BatchingConsoleAppender appender = appender(3, NEVER);
    Logger log = logger(appender);
    for (int i = 0; i < 5; i++) log.info("line {}", i);

    appender.stop();

    assertEquals(List.of("INFO  hedgerow.access - line 0", "INFO  hedgerow.access - line 1",
        "INFO  hedgerow.access - line 2",
        "WARN  " + DROP_REPORT_LOGGER + " - 2 log lines dropped: the log writer fell behind"), stdout.lines());
  }

  @Test
  void whenStdoutStallsTheLinesThatDoNotFitAreCountedInTheNextBatch() throws Exception {
    Logger log = logger(appender(2, Duration.ofMillis(5)));
    stdout.hold();
    log.info("first");
    stdout.awaitWriteEntered();
    log.info("second");
    log.info("third");
    log.info("fourth: no room");

    stdout.release();

    stdout.awaitText("dropped", PATIENCE);
    assertEquals(List.of("INFO  hedgerow.access - first", "INFO  hedgerow.access - second",
        "INFO  hedgerow.access - third",
        "WARN  " + DROP_REPORT_LOGGER + " - 1 log line dropped: the log writer fell behind"), stdout.lines());
  }

  @Test
  void withoutAnEncoderTheAppenderRefusesToStart() {
    BatchingConsoleAppender appender = new BatchingConsoleAppender(stdout);
    appender.setContext(context);

    appender.start();

    assertFalse(appender.isStarted());
    assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
        .anyMatch(s -> s.getLevel() == Status.ERROR && s.getMessage().contains("No encoder")));
  }

  private BatchingConsoleAppender appender(int queueSize, Duration flushInterval) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%-5level %logger - %msg%n");
    encoder.start();
    BatchingConsoleAppender appender = new BatchingConsoleAppender(stdout);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setQueueSize(queueSize);
    appender.setFlushIntervalMillis(flushInterval.toMillis());
    appender.start();
    return appender;
  }

  private Logger logger(BatchingConsoleAppender appender) {
    Logger log = context.getLogger("hedgerow.access");
    log.setLevel(Level.INFO);
    log.addAppender(appender);
    return log;
  }
}
