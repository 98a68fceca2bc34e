package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import io.hedgerow.providers.sim.RecordedRequest;
import io.hedgerow.router.config.Environment;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OpenAI SDK against one provider of each wire format (OpenAI, Anthropic, Gemini), each backed by its
 * own simulator: the client always sees OpenAI's shapes, and each upstream gets a request in its own.
 */
class ProviderTranslationEndToEndTest {

  /** One provider kind as the tests use it: the model alias clients name and the simulator behind it. */
  enum Kind {
    OPENAI("sim-openai", "openai-sim", "gpt-sim-1", "openai-embed"),
    ANTHROPIC("sim-anthropic", "anthropic-sim", "claude-sim-1", "sim-anthropic"),
    GEMINI("sim-gemini", "gemini-sim", "gemini-sim-1", "gemini-embed");

    final String model;
    final String sim;
    final String upstreamModel;
    final String embeddingModel;

    Kind(String model, String sim, String upstreamModel, String embeddingModel) {
      this.model = model;
      this.sim = sim;
      this.upstreamModel = upstreamModel;
      this.embeddingModel = embeddingModel;
    }

    /** The route that falls back to the backup provider after this kind's provider. */
    String routeWithBackup() {
      return model + "-or-backup";
    }
  }

  static final String BACKUP_SIM = "backup-sim";
  static final String KEYLESS_SIM = "keyless-sim";
  private static final String PNG_BASE64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  private static final String HTTPS_IMAGE = "https://images.example.com/cat.jpg";

  private static final String HOCON = """
      hedgerow {
        sim.embedded = on
        sim.instances = [
          { name = openai-sim, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6, faults.retry-after = 3s }
          { name = anthropic-sim, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6, faults.retry-after = 3s }
          { name = gemini-sim, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6, faults.retry-after = 3s }
          { name = backup-sim, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6 }
          { name = keyless-sim, port = %d, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 6 }
        ]
        providers {
          openai { kind = openai, base-url = "sim://openai-sim/v1", api-key-env = TEST_OPENAI_KEY }
          anthropic { kind = anthropic, base-url = "sim://anthropic-sim", api-key-env = TEST_ANTHROPIC_KEY }
          gemini { kind = gemini, base-url = "sim://gemini-sim", api-key-env = TEST_GEMINI_KEY }
          backup { kind = openai, base-url = "sim://backup-sim/v1" }
          # Not a sim:// address, so the gateway does not fill in the simulator's stand-in key.
          keyless { kind = openai, base-url = "http://127.0.0.1:%d/v1", api-key-env = TEST_UNSET_KEY }
        }
        models {
          sim-openai { provider = openai, upstream-model = "gpt-sim-1" }
          sim-anthropic { provider = anthropic, upstream-model = "claude-sim-1" }
          sim-gemini { provider = gemini, upstream-model = "gemini-sim-1" }
          sim-backup { provider = backup, upstream-model = "backup-sim-1" }
          sim-keyless { provider = keyless, upstream-model = "keyless-sim-1" }
          openai-embed { provider = openai, upstream-model = "text-embedding-sim" }
          gemini-embed { provider = gemini, upstream-model = "gemini-embedding-sim" }
        }
        routes {
          sim-openai-or-backup { targets = [sim-openai, sim-backup] }
          sim-anthropic-or-backup { targets = [sim-anthropic, sim-backup] }
          sim-gemini-or-backup { targets = [sim-gemini, sim-backup] }
        }
        # These tests are about translation: the failures some of them force must not cool a provider
        # down, open its circuit or start hedges that would steer the tests after them.
        provider-defaults.circuit-breaker { consecutive-failures = 1000, min-requests = 1000, max-cool-down = 1ms }
        route-defaults.hedging.enabled = false
      }
      """;

  /** Fresh per run and only ever held in memory, so no credential is written anywhere. */
  static Map<String, String> freshKeys() {
    return Map.of(
        "TEST_OPENAI_KEY", UUID.randomUUID().toString(),
        "TEST_ANTHROPIC_KEY", UUID.randomUUID().toString(),
        "TEST_GEMINI_KEY", UUID.randomUUID().toString());
  }

  /** The gateway every translation test runs against; {@code keys} is its whole environment. */
  static RunningGateway startGateway(Map<String, String> keys) {
    int port = freePort();
    return RunningGateway.start(HOCON.formatted(port, port), Environment.of(keys));
  }

  static OpenAIClient sdk(RunningGateway gateway) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(gateway.baseUrl() + "/v1")
        .apiKey("not-a-real-key")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  static void clearAllRecorded(RunningGateway gateway) {
    gateway.gateway().simulators().values().forEach(s -> s.clearRecorded());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> keys;
  private static RunningGateway gw;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    keys = freshKeys();
    gw = startGateway(keys);
    client = sdk(gw);
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (gw != null) gw.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    clearAllRecorded(gw);
  }

  static ChatCompletionCreateParams.Builder ask(String model, String text) {
    return ChatCompletionCreateParams.builder().model(model).addSystemMessage("be brief").addUserMessage(text);
  }

  static ChatCompletionFunctionTool weatherTool() {
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

  static List<ChatCompletionChunk> streamAll(OpenAIClient client, ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      return stream.stream().collect(Collectors.toList());
    }
  }

  private static List<ChatCompletionChunk.Choice.FinishReason> finishReasons(List<ChatCompletionChunk> chunks) {
    return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.finishReason().stream())
        .collect(Collectors.toList());
  }

  private static String streamedText(List<ChatCompletionChunk> chunks) {
    return chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
        .collect(Collectors.joining());
  }

  /** The one request the simulator received since the test began. */
  static RecordedRequest onlyRequestTo(RunningGateway gateway, String sim) {
    List<RecordedRequest> received = gateway.sim(sim).recorded();
    assertEquals(1, received.size(), sim + " received: " + received);
    return received.get(0);
  }

  static JsonNode body(RecordedRequest request) {
    return SseStream.json(request.body());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void plainAnswerReadsAsAnOpenAiChatCompletion(Kind kind) {
    ChatCompletion completion = client.chat().completions().create(ask(kind.model, "hello").build());

    assertTrue(completion.id().startsWith("chatcmpl-"), completion.id());
    assertEquals(1, completion.choices().size());
    ChatCompletion.Choice choice = completion.choices().get(0);
    String text = choice.message().content().orElseThrow();
    assertTrue(text.startsWith(kind.sim + " "), "the answer came from " + kind.sim + ": " + text);
    assertEquals(6, text.split(" ").length, text);
    assertTrue(choice.message().toolCalls().orElse(List.of()).isEmpty());
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
    CompletionUsage usage = completion.usage().orElseThrow();
    assertEquals(6, usage.completionTokens());
    assertTrue(usage.promptTokens() > 0);
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void streamedAnswerIsOneOpenAiStreamWithOneFinishAndNoUsage(Kind kind) {
    List<ChatCompletionChunk> chunks = streamAll(client, ask(kind.model, "hello").build());

    assertEquals(1, chunks.stream().map(ChatCompletionChunk::id).distinct().count(), "one stream id");
    assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT, chunks.get(0).choices().get(0).delta().role().orElseThrow());
    assertTrue(chunks.stream().allMatch(c -> c.choices().size() == 1), "every chunk has its one choice");
    assertTrue(chunks.stream().allMatch(c -> c.usage().isEmpty()), "no usage without include_usage");
    assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), finishReasons(chunks));
    String text = streamedText(chunks);
    assertTrue(text.startsWith(kind.sim + " "), text);
    assertEquals(6, text.split(" ").length, text);
    assertTrue(chunks.size() >= 6, "tokens arrive as separate chunks: " + chunks.size());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void includeUsageAddsOneUsageChunkLastWithNoChoices(Kind kind) {
    List<ChatCompletionChunk> chunks = streamAll(client, ask(kind.model, "hello")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
    CompletionUsage usage = last.usage().orElseThrow();
    assertEquals(6, usage.completionTokens());
    assertTrue(usage.promptTokens() > 0);
    assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    List<ChatCompletionChunk> rest = chunks.subList(0, chunks.size() - 1);
    assertTrue(rest.stream().allMatch(c -> c.usage().isEmpty()), "only the last chunk reports usage");
    assertTrue(rest.stream().allMatch(c -> c.choices().size() == 1));
    assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), finishReasons(chunks));
    assertEquals(1, chunks.stream().map(ChatCompletionChunk::id).distinct().count(), "the usage chunk shares the id");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void parallelToolCallsArriveWithDistinctIdsAndJsonArguments(Kind kind) {
    ChatCompletion completion = client.chat().completions()
        .create(ask(kind.model, "weather in Paris and Rome? sim:tool-calls=2").addTool(weatherTool()).build());

    ChatCompletion.Choice choice = completion.choices().get(0);
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
    assertTrue(choice.message().content().orElse("").isEmpty(), "no text beside the calls");
    List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
        .map(c -> c.asFunction()).collect(Collectors.toList());
    assertEquals(2, calls.size());
    Set<String> ids = calls.stream().map(ChatCompletionMessageFunctionToolCall::id).collect(Collectors.toSet());
    assertEquals(2, ids.size(), "distinct ids: " + ids);
    for (ChatCompletionMessageFunctionToolCall call : calls) {
      assertFalse(call.id().isBlank());
      assertUpstreamIdPassedThrough(kind, call.id());
      assertEquals("get_weather", call.function().name());
      JsonNode arguments = SseStream.json(call.function().arguments());
      assertTrue(arguments.path("city").isTextual(), call.function().arguments());
    }
    assertNotEquals(calls.get(0).function().arguments(), calls.get(1).function().arguments(),
        "the simulator varies parallel calls, so each call kept its own arguments");
  }

  /** OpenAI's and Anthropic's own ids reach the client unchanged; Gemini has none, so any id will do. */
  private static void assertUpstreamIdPassedThrough(Kind kind, String id) {
    switch (kind) {
      case OPENAI -> assertTrue(id.startsWith("call_"), id);
      case ANTHROPIC -> assertTrue(id.startsWith("toolu_"), id);
      case GEMINI -> { }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void streamedParallelToolCallsReassembleByIndex(Kind kind) {
    List<ChatCompletionChunk> chunks = streamAll(client,
        ask(kind.model, "weather in Paris and Rome? sim:tool-calls=2").addTool(weatherTool()).build());

    Map<Long, String> ids = new TreeMap<>();
    Map<Long, String> names = new TreeMap<>();
    Map<Long, StringBuilder> arguments = new TreeMap<>();
    Map<Long, Integer> fragments = new TreeMap<>();
    for (ChatCompletionChunk chunk : chunks) {
      for (ChatCompletionChunk.Choice choice : chunk.choices()) {
        for (ChatCompletionChunk.Choice.Delta.ToolCall call : choice.delta().toolCalls().orElse(List.of())) {
          long index = call.index();
          if (!ids.containsKey(index)) {
            ids.put(index, call.id().orElseThrow(() -> new AssertionError("the first delta of call " + index + " has its id")));
            assertEquals(ChatCompletionChunk.Choice.Delta.ToolCall.Type.FUNCTION, call.type().orElseThrow());
            names.put(index, call.function().flatMap(f -> f.name()).orElseThrow());
          } else {
            assertTrue(call.id().isEmpty() || call.id().get().equals(ids.get(index)), "one id per index");
          }
          call.function().flatMap(f -> f.arguments()).filter(a -> !a.isEmpty()).ifPresent(a -> {
            arguments.computeIfAbsent(index, i -> new StringBuilder()).append(a);
            fragments.merge(index, 1, Integer::sum);
          });
        }
      }
    }

    assertEquals(Set.of(0L, 1L), ids.keySet(), "indexes count tool calls only, from 0");
    assertEquals(2, new HashSet<>(ids.values()).size(), "distinct ids: " + ids);
    ids.values().forEach(id -> assertUpstreamIdPassedThrough(kind, id));
    assertEquals(Map.of(0L, "get_weather", 1L, "get_weather"), names);
    for (long index : List.of(0L, 1L)) {
      JsonNode parsed = SseStream.json(arguments.get(index).toString());
      assertTrue(parsed.path("city").isTextual(), arguments.get(index).toString());
      if (kind != Kind.GEMINI) {
        assertTrue(fragments.get(index) > 1, "argument fragments are passed on as fragments, not buffered");
      }
    }
    assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), finishReasons(chunks));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void toolResultsGoBackToTheProviderThatAskedAndGetATextAnswer(Kind kind) {
    String question = "weather in Paris and Rome? sim:tool-calls=2";
    ChatCompletion first = client.chat().completions().create(ask(kind.model, question).addTool(weatherTool()).build());
    List<ChatCompletionMessageFunctionToolCall> calls = first.choices().get(0).message().toolCalls().orElseThrow()
        .stream().map(c -> c.asFunction()).collect(Collectors.toList());
    assertEquals(2, calls.size());
    clearAllRecorded(gw);

    ChatCompletion second = client.chat().completions().create(ask(kind.model, question)
        .addTool(weatherTool())
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(0).id()).content("{\"temp_c\":21}").build())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(1).id()).content("sunny").build())
        .build());

    ChatCompletion.Choice choice = second.choices().get(0);
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
    assertTrue(choice.message().content().orElse("").startsWith(kind.sim), "a text answer: " + choice.message());
    JsonNode sent = body(onlyRequestTo(gw, kind.sim));
    List<String> callIds = calls.stream().map(ChatCompletionMessageFunctionToolCall::id).toList();
    switch (kind) {
      case OPENAI -> {
        JsonNode messages = sent.path("messages");
        assertEquals(callIds.get(0), messages.get(2).path("tool_calls").get(0).path("id").asText());
        assertEquals(callIds.get(0), messages.get(3).path("tool_call_id").asText());
        assertEquals(callIds.get(1), messages.get(4).path("tool_call_id").asText());
      }
      case ANTHROPIC -> {
        JsonNode messages = sent.path("messages");
        assertEquals(List.of("user", "assistant", "user"), roles(messages, "role"));
        JsonNode uses = messages.get(1).path("content");
        assertEquals("tool_use", uses.get(0).path("type").asText());
        assertEquals(callIds, List.of(uses.get(0).path("id").asText(), uses.get(1).path("id").asText()));
        assertTrue(uses.get(0).path("input").path("city").isTextual(), "arguments go back as an object: " + uses);
        JsonNode results = messages.get(2).path("content");
        assertEquals(2, results.size(), "both results in one user turn: " + results);
        assertEquals("tool_result", results.get(0).path("type").asText());
        assertEquals(callIds, List.of(results.get(0).path("tool_use_id").asText(), results.get(1).path("tool_use_id").asText()));
      }
      case GEMINI -> {
        JsonNode contents = sent.path("contents");
        assertEquals(List.of("user", "model", "user"), roles(contents, "role"));
        JsonNode call = contents.get(1).path("parts").get(0).path("functionCall");
        assertEquals("get_weather", call.path("name").asText());
        assertTrue(call.path("args").path("city").isTextual(), call.toString());
        JsonNode responses = contents.get(2).path("parts");
        assertEquals(2, responses.size(), responses.toString());
        assertEquals("get_weather", responses.get(0).path("functionResponse").path("name").asText(),
            "the function name is found from the call id");
        assertEquals(21, responses.get(0).path("functionResponse").path("response").path("temp_c").asInt());
        assertEquals("sunny", responses.get(1).path("functionResponse").path("response").path("content").asText());
      }
    }
  }

  static List<String> roles(JsonNode turns, String field) {
    List<String> roles = new ArrayList<>();
    turns.forEach(t -> roles.add(t.path(field).asText()));
    return roles;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void imagesAsDataUrlAndHttpsUrlReachTheUpstreamInItsOwnShape(Kind kind) {
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(kind.model)
        .addUserMessageOfArrayOfContentParts(List.of(
            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("what differs?").build()),
            image("data:image/png;base64," + PNG_BASE64),
            image(HTTPS_IMAGE)))
        .build());

    assertTrue(completion.choices().get(0).message().content().orElse("").startsWith(kind.sim));
    JsonNode sent = body(onlyRequestTo(gw, kind.sim));
    switch (kind) {
      case OPENAI -> {
        JsonNode parts = sent.path("messages").get(0).path("content");
        assertEquals("data:image/png;base64," + PNG_BASE64, parts.get(1).path("image_url").path("url").asText());
        assertEquals(HTTPS_IMAGE, parts.get(2).path("image_url").path("url").asText());
      }
      case ANTHROPIC -> {
        JsonNode blocks = sent.path("messages").get(0).path("content");
        assertEquals("text", blocks.get(0).path("type").asText());
        JsonNode inline = blocks.get(1).path("source");
        assertEquals("image", blocks.get(1).path("type").asText());
        assertEquals("base64", inline.path("type").asText());
        assertEquals("image/png", inline.path("media_type").asText());
        assertEquals(PNG_BASE64, inline.path("data").asText());
        assertEquals("url", blocks.get(2).path("source").path("type").asText());
        assertEquals(HTTPS_IMAGE, blocks.get(2).path("source").path("url").asText());
      }
      case GEMINI -> {
        JsonNode parts = sent.path("contents").get(0).path("parts");
        assertEquals("what differs?", parts.get(0).path("text").asText());
        assertEquals("image/png", parts.get(1).path("inlineData").path("mimeType").asText());
        assertEquals(PNG_BASE64, parts.get(1).path("inlineData").path("data").asText());
        assertEquals("image/jpeg", parts.get(2).path("fileData").path("mimeType").asText());
        assertEquals(HTTPS_IMAGE, parts.get(2).path("fileData").path("fileUri").asText());
      }
    }
  }

  private static ChatCompletionContentPart image(String url) {
    return ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(url).build()).build());
  }
}
