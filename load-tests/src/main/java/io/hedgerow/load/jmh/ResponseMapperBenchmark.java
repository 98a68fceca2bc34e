package io.hedgerow.load.jmh;

import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.openai.OpenAiResponseMapper;
import java.nio.charset.StandardCharsets;
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
 * Reading a non-streamed answer of an OpenAI-compatible upstream into a {@link ChatCompletion}, per
 * request: every plain chat completion the gateway serves from such a provider passes here. The bodies are
 * the simulator's plain text answer (24 tokens, as {@code config/hedgerow.conf}'s instances answer) and
 * OpenAI's own recorded answers ({@code providers/src/test/resources/fixtures/openai/completion-*.json},
 * compacted): text with usage details, and two parallel tool calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
public class ResponseMapperBenchmark {

  @Param({"sim-text", "openai-text", "openai-tools"})
  public String body;

  private byte[] bytes;

  @Setup
  public void setUp() {
    String json = switch (body) {
      case "sim-text" -> SIM_TEXT;
      case "openai-text" -> OPENAI_TEXT;
      case "openai-tools" -> OPENAI_TOOLS;
      default -> throw new IllegalArgumentException("no body " + body);
    };
    bytes = json.getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public ChatCompletion fromUpstream() {
    return OpenAiResponseMapper.fromUpstream(bytes);
  }

  /** As the simulator's OpenAI dialect writes a plain answer (its {@code renderPlain}). */
  private static final String SIM_TEXT = "{\"id\":\"chatcmpl-Qm3xT8vKp2LdW9sYb7NcR4hE\",\"object\":\"chat.completion\","
      + "\"created\":1770933883,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_sim_fast\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"fast quiet harbor lorem copper stream fox amber signal maple"
      + " orbit willow dog ember river lazy token meadow stone cloud jumps brown sit hedge\",\"refusal\":null},"
      + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":18,\"completion_tokens\":24,"
      + "\"total_tokens\":42}}";

  private static final String OPENAI_TEXT = "{\"id\":\"chatcmpl-HRcompl000000000000000011\",\"object\":\"chat.completion\","
      + "\"created\":1770933883,\"model\":\"gpt-4.1-nano-2025-04-14\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
      + "\"assistant\",\"content\":\"**Holiday Name:** Galaxy Day\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":9,\"total_tokens\":25,"
      + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":{"
      + "\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
      + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_de604bd877\"}";

  private static final String OPENAI_TOOLS = "{\"id\":\"chatcmpl-HRcompl000000000000000012\",\"object\":\"chat.completion\","
      + "\"created\":1723024760,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":null,\"tool_calls\":[{\"id\":\"call_hRwWeatherEdinburgh01\",\"type\":\"function\",\"function\":{"
      + "\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Edinburgh\\\", \\\"country\\\": \\\"UK\\\", \\\"units\\\": \\\"c\\\"}\"}},"
      + "{\"id\":\"call_hRwStockPriceAapl02\",\"type\":\"function\",\"function\":{\"name\":\"get_stock_price\","
      + "\"arguments\":\"{\\\"ticker\\\": \\\"AAPL\\\", \\\"exchange\\\": \\\"NASDAQ\\\"}\"}}],\"refusal\":null,\"annotations\":[]},"
      + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":149,\"completion_tokens\":60,"
      + "\"total_tokens\":209,\"prompt_tokens_details\":{\"cached_tokens\":128,\"audio_tokens\":0},"
      + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
      + "\"rejected_prediction_tokens\":0}},\"system_fingerprint\":\"fp_2a322c9ffc\"}";
}
