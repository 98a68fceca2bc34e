package io.hedgerow.load.jmh;

import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.SseParser;
import org.openjdk.jmh.infra.Blackhole;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SseParser}, what the {@code UpstreamEvents} source runs: upstream bytes cut into SSE events, per
 * event, with no stream around it. The bytes arrive one event per {@link ByteString}, as a paced token
 * stream comes off the connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class SseFramingBenchmark {
  static final int EVENTS = 1_000;
  private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024; // hedgerow.upstream.max-event-size

  /** The wire shape: OpenAI's bare data lines, Anthropic's event and data lines, Gemini's CRLF framing. */
  @Param({"openai", "anthropic", "gemini"})
  public String wire;

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
    int[] framed = new int[1];
    SseParser parser = new SseParser(MAX_EVENT_BYTES);
    reads.forEach(bytes -> parser.feed(bytes, e -> framed[0]++));
    if (framed[0] != EVENTS) throw new IllegalStateException("framed " + framed[0] + " events, not " + EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void frame(Blackhole out) {
    SseParser parser = new SseParser(MAX_EVENT_BYTES);
    for (ByteString bytes : reads) parser.feed(bytes, out::consume);
    parser.end(out::consume);
  }
}
