package io.hedgerow.load.jmh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.SseFraming;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * {@link SseFraming}: upstream bytes cut into SSE events, per event. SseFraming is a Pekko Streams flow
 * (its line builder is private to it), so it only runs materialized; each invocation materializes it once
 * over {@value #EVENTS} events. Materializing and running a one-event stream took about 0.2 ms of CPU on
 * the 2-core VM, so that adds about 10 ns per event here. The bytes arrive one event per {@link ByteString},
 * as a paced token stream comes off the connection. The stream runs on one dispatcher thread while the
 * benchmark thread waits, so this is still one core's worth; with {@code -prof gc}, JMH counts the
 * allocation of every thread of the JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class SseFramingBenchmark {
  static final int EVENTS = 20_000;
  private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024; // hedgerow.upstream.max-event-size

  /** The wire shape: OpenAI's bare data lines, Anthropic's event and data lines, Gemini's CRLF framing. */
  @Param({"openai", "anthropic", "gemini"})
  public String wire;

  private ActorSystem system;
  private Materializer materializer;
  private List<ByteString> reads;

  @Setup
  public void setUp() {
    StreamTranslatorBenchmark.Upstream upstream = StreamTranslatorBenchmark.Upstream.of(wire + "/text");
    SseEvent[] events = upstream.lengthened();
    String newline = wire.equals("gemini") ? "\r\n" : "\n";
    reads = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      SseEvent e = events[i % events.length];
      String frame = (e.event().isEmpty() ? "" : "event: " + e.event() + newline)
          + "data: " + e.data().utf8String() + newline + newline;
      reads.add(ByteString.fromString(frame));
    }
    // Pekko's start-up and shutdown lines would land in the middle of JMH's iteration lines
    ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.WARN);
    system = ActorSystem.create("jmh-sse-framing");
    materializer = Materializer.matFromSystem(system);
    int framed = Source.from(reads).via(SseFraming.flow(MAX_EVENT_BYTES)).runWith(Sink.seq(), materializer)
        .toCompletableFuture().join().size();
    if (framed != EVENTS) throw new IllegalStateException("framed " + framed + " events, not " + EVENTS);
  }

  @TearDown
  public void tearDown() {
    system.terminate();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public Object frame() {
    return Source.from(reads).via(SseFraming.flow(MAX_EVENT_BYTES)).runWith(Sink.ignore(), materializer)
        .toCompletableFuture().join();
  }
}
