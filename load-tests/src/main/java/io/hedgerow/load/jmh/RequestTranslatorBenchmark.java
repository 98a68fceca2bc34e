package io.hedgerow.load.jmh;

import io.hedgerow.providers.anthropic.AnthropicRequestMapper;
import io.hedgerow.providers.anthropic.AnthropicSettings;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.gemini.GeminiRequestMapper;
import io.hedgerow.providers.openai.OpenAiPresets;
import io.hedgerow.providers.openai.OpenAiRequestMapper;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request side of translation, per request: reading a client's OpenAI body into a {@link ChatRequest},
 * and writing that request as each provider family's upstream body (streamed), with the mappers set up
 * once as the adapters set them up. The requests are the providers' recorded fixtures: a multi-turn
 * conversation with tool calls and results, and a request declaring tools and forcing one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class RequestTranslatorBenchmark {

  @Param({"conversation", "tools"})
  public String request;

  private byte[] clientBody;
  private ChatRequest chatRequest;
  private final AnthropicRequestMapper anthropic = new AnthropicRequestMapper(AnthropicSettings.DEFAULTS);
  private final GeminiRequestMapper gemini = new GeminiRequestMapper(true, true); // GeminiAdapter's defaults

  @Setup
  public void setUp() {
    clientBody = RecordedStream.fixture("anthropic/request-" + request + ".openai.json");
    chatRequest = ChatRequestReader.read(clientBody);
  }

  @Benchmark
  public ChatRequest readClientBody() {
    return ChatRequestReader.read(clientBody);
  }

  @Benchmark
  public byte[] toOpenAi() {
    return OpenAiRequestMapper.toUpstream(chatRequest, "gpt-4o-mini", true, OpenAiPresets.OPENAI);
  }

  @Benchmark
  public byte[] toAnthropic() {
    return anthropic.toUpstream(chatRequest, "claude-3-5-haiku-latest", true).bytes();
  }

  @Benchmark
  public byte[] toGemini() {
    return gemini.toBytes(chatRequest);
  }
}
