package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK pointed at Hedgerow: what an application written against OpenAI sees
 * when it only changes the base URL, including the errors it is coded to catch.
 */
class OpenAiSdkTest {
  private static RunningGateway gw;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start("""
        hedgerow {
          sim.embedded = on
          sim.instances = [
            { name = alpha, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 8 }
            { name = beta, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 8 }
          ]
          providers {
            alpha { kind = openai, base-url = "sim://alpha/v1" }
            beta { kind = openai, base-url = "sim://beta/v1" }
          }
          models {
            sim-alpha { provider = alpha, upstream-model = "alpha-1" }
            sim-beta { provider = beta, upstream-model = "beta-1" }
          }
          routes {
            chat { targets = [sim-alpha, sim-beta] }
          }
        }
        """);
    client = OpenAIOkHttpClient.builder()
        .baseUrl(gw.baseUrl() + "/v1")
        .apiKey("not-a-real-key")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (gw != null) gw.close();
  }

  private static ChatCompletionCreateParams.Builder ask(String model, String text) {
    return ChatCompletionCreateParams.builder().model(model).addSystemMessage("be brief").addUserMessage(text);
  }

  private static ChatCompletionFunctionTool weatherTool() {
    return ChatCompletionFunctionTool.builder()
        .function(FunctionDefinition.builder()
            .name("get_weather")
            .description("The weather in a city")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                    "city", Map.of("type", "string"),
                    "days", Map.of("type", "integer"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build())
            .build())
        .build();
  }

  private static List<ChatCompletionChunk> streamAll(ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      return stream.stream().collect(Collectors.toList());
    }
  }

  @Test
  void plainCompletionReadsAsAnOpenAiChatCompletion() {
    ChatCompletion completion = client.chat().completions().create(ask("chat", "hello").build());

    assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
    assertFalse(completion.model().isBlank());
    assertEquals(1, completion.choices().size());
    ChatCompletion.Choice choice = completion.choices().get(0);
    assertFalse(choice.message().content().orElse("").isBlank());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
    CompletionUsage usage = completion.usage().orElseThrow();
    assertEquals(8, usage.completionTokens());
    assertTrue(usage.promptTokens() > 0);
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
  }

  @Test
  void streamedCompletionWithUsageReadsAsOneOpenAiStreamEndingInAUsageChunk() {
    List<ChatCompletionChunk> chunks = streamAll(ask("chat", "hello")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build());

    assertTrue(chunks.size() >= 3, "chunks: " + chunks.size());
    Set<String> ids = chunks.stream().map(ChatCompletionChunk::id).collect(Collectors.toSet());
    assertEquals(1, ids.size(), "every chunk carries the same id: " + ids);
    assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
        chunks.get(0).choices().get(0).delta().role().orElseThrow());
    List<ChatCompletionChunk.Choice.FinishReason> finishes = chunks.stream()
        .flatMap(c -> c.choices().stream())
        .flatMap(c -> c.finishReason().stream())
        .collect(Collectors.toList());
    assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), finishes);
    String text = chunks.stream()
        .flatMap(c -> c.choices().stream())
        .map(c -> c.delta().content().orElse(""))
        .collect(Collectors.joining());
    assertFalse(text.isBlank());

    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
    CompletionUsage usage = last.usage().orElseThrow();
    assertEquals(8, usage.completionTokens());
    assertTrue(chunks.subList(0, chunks.size() - 1).stream().allMatch(c -> c.usage().isEmpty()),
        "only the last chunk reports usage");
  }

  @Test
  void upstreamFailingMidStreamMakesTheSdkThrowWhileIteratingRatherThanEndQuietly() {
    List<String> received = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
        .createStreaming(ask("chat", "a long answer sim:tokens=10 sim:inter-token-ms=100 sim:fault=abort-mid-stream").build())) {
      SseException e = assertThrows(SseException.class, () -> stream.stream()
          .forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(received::add))));
      assertFalse(e.getMessage().isBlank());
    }
    String text = String.join("", received);
    assertFalse(text.isBlank(), "the answer had started before it broke");
    assertTrue(text.split(" ").length < 10, "the answer is cut short: " + text);
  }

  @Test
  void unknownModelIsTheSdksNotFoundException() {
    NotFoundException e = assertThrows(NotFoundException.class,
        () -> client.chat().completions().create(ask("no-such-model", "hello").build()));

    assertEquals(404, e.statusCode());
    assertEquals("model_not_found", e.code().orElseThrow());
    assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
  }

  @Test
  void rateLimitFromTheOnlyProviderIsTheSdksRateLimitException() {
    RateLimitException e = assertThrows(RateLimitException.class,
        () -> client.chat().completions().create(ask("sim-alpha", "hello sim:fault=rate-limit").build()));

    assertEquals(429, e.statusCode());
    assertFalse(e.headers().values("retry-after").isEmpty(), "the client is told when to come back");
  }

  @Test
  void toolCallArrivesAsAFunctionCallWithJsonArguments() {
    ChatCompletion completion = client.chat().completions()
        .create(ask("chat", "what is the weather in Paris?").addTool(weatherTool()).build());

    ChatCompletion.Choice choice = completion.choices().get(0);
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
    List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
    assertEquals(1, calls.size());
    ChatCompletionMessageFunctionToolCall call = calls.get(0).asFunction();
    assertFalse(call.id().isBlank());
    assertEquals("get_weather", call.function().name());
    JsonNode arguments = SseStream.json(call.function().arguments());
    assertTrue(arguments.isObject(), call.function().arguments());
    assertTrue(arguments.path("city").isTextual(), call.function().arguments());
  }

  @Test
  void streamedToolCallFragmentsReassembleIntoJsonArguments() {
    List<ChatCompletionChunk> chunks = streamAll(
        ask("chat", "what is the weather in Paris?").addTool(weatherTool()).build());

    Map<Long, String> ids = new TreeMap<>();
    Map<Long, String> names = new TreeMap<>();
    Map<Long, StringBuilder> arguments = new TreeMap<>();
    for (ChatCompletionChunk chunk : chunks) {
      for (ChatCompletionChunk.Choice choice : chunk.choices()) {
        for (ChatCompletionChunk.Choice.Delta.ToolCall call : choice.delta().toolCalls().orElse(List.of())) {
          call.id().ifPresent(id -> ids.merge(call.index(), id, String::concat));
          call.function().flatMap(f -> f.name()).ifPresent(n -> names.merge(call.index(), n, String::concat));
          call.function().flatMap(f -> f.arguments())
              .ifPresent(a -> arguments.computeIfAbsent(call.index(), i -> new StringBuilder()).append(a));
        }
      }
    }

    assertEquals(Set.of(0L), arguments.keySet());
    assertFalse(ids.getOrDefault(0L, "").isBlank());
    assertEquals("get_weather", names.get(0L));
    JsonNode parsed = SseStream.json(arguments.get(0L).toString());
    assertTrue(parsed.isObject(), arguments.get(0L).toString());
    assertTrue(parsed.path("city").isTextual(), arguments.get(0L).toString());
    List<ChatCompletionChunk.Choice.FinishReason> finishes = chunks.stream()
        .flatMap(c -> c.choices().stream())
        .flatMap(c -> c.finishReason().stream())
        .collect(Collectors.toList());
    assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), finishes);
  }
}
