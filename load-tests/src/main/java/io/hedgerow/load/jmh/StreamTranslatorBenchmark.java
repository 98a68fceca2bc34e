package io.hedgerow.load.jmh;

import io.hedgerow.providers.anthropic.AnswerShape;
import io.hedgerow.providers.anthropic.AnthropicStreamDecoder;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.json.ChatChunkWriter;
import io.hedgerow.providers.gemini.GeminiStreamDecoder;
import io.hedgerow.providers.openai.OpenAiChunkDecoder;
import io.hedgerow.providers.upstream.SseEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The stream translators, one chunk as the unit: {@code decode} turns a provider's recorded upstream stream
 * into OpenAI chunks exactly as its adapter drives the decoder (a new one per stream, every event, then the
 * end of the stream); {@code writeFrame} writes those chunks as the {@code data: ...} SSE frames the client
 * reads ({@link ChatChunkWriter#sseFrame}, with include_usage's {@code usage} field). One thread, so the
 * throughput is chunks per second per core; {@code -prof gc} gives the bytes allocated per chunk
 * ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class StreamTranslatorBenchmark {

  /** A recorded stream: provider and what the answer carries. */
  @Param({"openai/text", "openai/tools", "anthropic/text", "anthropic/tools", "gemini/text", "gemini/thoughts"})
  public String stream;

  private Upstream upstream;
  private SseEvent[] events;
  private ChatChunk[] chunks;

  @Setup
  public void setUp() {
    upstream = Upstream.of(stream);
    events = upstream.lengthened();
    List<ChatChunk> decoded = upstream.decodeAll(Arrays.asList(events));
    chunks = decoded.toArray(ChatChunk[]::new);
  }

  @Benchmark
  @OperationsPerInvocation(RecordedStream.CHUNKS)
  public void decode(Blackhole bh) {
    Upstream.Decoder decoder = upstream.newDecoder();
    for (SseEvent e : events) bh.consume(decoder.next(e));
    bh.consume(decoder.end());
  }

  @Benchmark
  @OperationsPerInvocation(RecordedStream.CHUNKS)
  public void writeFrame(Blackhole bh) {
    for (ChatChunk c : chunks) bh.consume(ChatChunkWriter.sseFrame(c, true));
  }

  /** The recordings, what their bodies are, and how each provider's adapter drives its decoder. */
  enum Upstream {
    OPENAI_TEXT("openai/text-stream.sse", d -> d.contains("\"content\":\"") && !d.contains("\"role\"")),
    OPENAI_TOOLS("openai/parallel-tool-calls.sse", d -> d.contains("\"arguments\":\"") && !d.contains("\"type\":\"function\"")),
    ANTHROPIC_TEXT("anthropic/text-stream.sse", d -> d.contains("\"text_delta\"")),
    ANTHROPIC_TOOLS("anthropic/tool-call-stream.sse", d -> d.contains("\"partial_json\":\"") && !d.contains("\"partial_json\":\"\"")),
    GEMINI_TEXT("gemini/google-text.chunks.txt", d -> !d.contains("\"finishReason\"")),
    GEMINI_THOUGHTS("gemini/thoughts.chunks.txt", d -> !d.contains("\"finishReason\""));

    private final String recording;
    private final Predicate<String> isBody;

    Upstream(String recording, Predicate<String> isBody) {
      this.recording = recording;
      this.isBody = isBody;
    }

    static Upstream of(String param) {
      return valueOf(param.replace('/', '_').toUpperCase(Locale.ROOT));
    }

    /** A decoder for one stream: what the adapter's stream stage does per event and at the upstream's end. */
    interface Decoder {
      List<ChatChunk> next(SseEvent event);

      List<ChatChunk> end();
    }

    Decoder newDecoder() {
      return switch (this) {
        case OPENAI_TEXT, OPENAI_TOOLS -> {
          OpenAiChunkDecoder d = new OpenAiChunkDecoder(); // OpenAiAdapter.decoding()
          yield new Decoder() {
            @Override public List<ChatChunk> next(SseEvent event) { return d.next(event); }
            @Override public List<ChatChunk> end() { return d.finish(); }
          };
        }
        case ANTHROPIC_TEXT, ANTHROPIC_TOOLS -> {
          AnthropicStreamDecoder d = new AnthropicStreamDecoder(AnswerShape.PLAIN, Instant.now().getEpochSecond());
          yield new Decoder() {
            @Override public List<ChatChunk> next(SseEvent event) { return d.decode(event); }
            @Override public List<ChatChunk> end() { return d.end(); }
          };
        }
        case GEMINI_TEXT, GEMINI_THOUGHTS -> {
          GeminiStreamDecoder d = new GeminiStreamDecoder("gemini-fallback", this == GEMINI_THOUGHTS);
          yield new Decoder() {
            @Override public List<ChatChunk> next(SseEvent event) { return d.accept(event); }
            @Override public List<ChatChunk> end() { return d.accept(GeminiStreamDecoder.END_OF_STREAM); }
          };
        }
      };
    }

    SseEvent[] lengthened() {
      List<SseEvent> recorded = recording.endsWith(".sse")
          ? RecordedStream.sseEvents(recording) : RecordedStream.lineEvents(recording);
      return RecordedStream.lengthened(recorded, isBody, s -> decodeAll(s).size());
    }

    List<ChatChunk> decodeAll(List<SseEvent> stream) {
      Decoder d = newDecoder();
      List<ChatChunk> out = new ArrayList<>();
      for (SseEvent e : stream) out.addAll(d.next(e));
      out.addAll(d.end());
      return out;
    }
  }
}
