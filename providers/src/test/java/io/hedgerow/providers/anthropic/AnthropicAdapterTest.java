package io.hedgerow.providers.anthropic;

import static io.hedgerow.providers.anthropic.AnthropicFixtures.bytes;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.frames;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.json;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.jsonLines;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.parse;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.request;
import static io.hedgerow.providers.anthropic.AnthropicFixtures.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderKinds;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.upstream.ApiKey;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against a tiny Anthropic stand-in on 127.0.0.1: URL, headers, SSE decoding and HTTP errors end to end. */
class AnthropicAdapterTest {
  private static final ContentType EVENT_STREAM = ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM);
  private static final String FAKE_KEY = "test-key-" + UUID.randomUUID();

  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static Materializer materializer;
  private static final AtomicReference<HttpResponse> nextResponse = new AtomicReference<>();
  private static final AtomicReference<HttpRequest> lastRequest = new AtomicReference<>();
  private static final AtomicReference<String> lastBody = new AtomicReference<>();
  private static final AtomicInteger calls = new AtomicInteger();

  private AnthropicAdapter adapter;

  @BeforeAll
  static void startStandIn() throws Exception {
    testKit = ActorTestKit.create();
    materializer = Materializer.matFromSystem(testKit.system());
    org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler = request -> {
      calls.incrementAndGet();
      lastRequest.set(request);
      return request.entity().toStrict(3000, materializer).thenApply(strict -> {
        lastBody.set(strict.getData().utf8String());
        return nextResponse.get();
      });
    };
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(handler)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopStandIn() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newAdapter() {
    String baseUrl = "http://127.0.0.1:" + binding.localAddress().getPort() + "/";
    ProviderSettings settings = new ProviderSettings("claude", "anthropic", baseUrl, Optional.of(new ApiKey(FAKE_KEY)),
        Map.of("x-team", "search"),
        ConfigFactory.parseString("beta-headers = [\"fine-grained-tool-streaming-2025-05-14\", \"context-1m-2025-08-07\"]"));
    adapter = (AnthropicAdapter) ProviderKinds.of("anthropic").orElseThrow().factory()
        .create(settings, new UpstreamClient(testKit.system(), 1 << 20, 1 << 16));
  }

  private static void answer(int status, ContentType type, byte[] body, String... headers) {
    HttpResponse r = HttpResponse.create()
        .withStatus(status == 529 ? StatusCodes.custom(529, "Overloaded", "Overloaded", false, true) : StatusCodes.get(status))
        .withEntity(HttpEntities.create(type, body));
    for (int i = 0; i + 1 < headers.length; i += 2) r = r.addHeader(RawHeader.create(headers[i], headers[i + 1]));
    nextResponse.set(r);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** The output with {@code created} pinned, since the adapter stamps the current time. */
  private static List<JsonNode> pinned(List<JsonNode> frames) {
    frames.forEach(f -> ((ObjectNode) f).put("created", 1770000000));
    return frames;
  }

  @Test
  void streamPostsToV1MessagesWithAnthropicHeadersAndDecodesTheEvents() throws Exception {
    answer(200, EVENT_STREAM, bytes("tool-call-stream.sse"));
    ChatRequest r = request("request-tools.openai.json");
    List<ChatChunk> chunks = await(adapter.streamChat(r, "claude-sonnet-4-5").runWith(Sink.seq(), materializer));

    assertEquals(jsonLines("tool-call-stream.expected.jsonl"), pinned(frames(chunks)));
    HttpRequest sent = lastRequest.get();
    assertEquals("/v1/messages", sent.getUri().path());
    assertEquals(Optional.of(FAKE_KEY), sent.getHeader("x-api-key").map(h -> h.value()));
    assertEquals(Optional.of("2023-06-01"), sent.getHeader("anthropic-version").map(h -> h.value()));
    assertEquals(Optional.of("fine-grained-tool-streaming-2025-05-14,context-1m-2025-08-07"),
        sent.getHeader("anthropic-beta").map(h -> h.value()));
    assertEquals(Optional.of("search"), sent.getHeader("x-team").map(h -> h.value()));
    assertTrue(sent.getHeader("authorization").isEmpty(), "Anthropic takes x-api-key, not Authorization");
    ObjectNode expectedBody = (ObjectNode) json("request-tools.anthropic.json");
    expectedBody.put("stream", true);
    assertEquals(expectedBody, parse(lastBody.get()));
  }

  @Test
  void completeChatMapsThePlainAnswer() throws Exception {
    answer(200, ContentTypes.APPLICATION_JSON, bytes("response-tool-use.json"));
    ChatRequest r = request("request-max-tokens.openai.json");
    JsonNode out = written(await(adapter.completeChat(r, "claude-sonnet-4-5")));
    ((ObjectNode) out).put("created", 1770000000);
    assertEquals(json("response-tool-use.expected.json"), out);
    assertTrue(parse(lastBody.get()).path("stream").isMissingNode());
  }

  @Test
  void rateLimitFailsTheStreamWithRetryAfter() {
    answer(429, ContentTypes.APPLICATION_JSON, bytes("error-429-rate-limit.json"), "retry-after", "3", "request-id", "req_1");
    Throwable t = failureOf(adapter.streamChat(request("request-system.openai.json"), "claude-sonnet-4-5")
        .runWith(Sink.seq(), materializer));
    UpstreamException e = assertInstanceOf(UpstreamException.class, t);
    assertEquals(ErrorClass.RATE_LIMITED, e.error().errorClass());
    assertEquals(Optional.of(Duration.ofSeconds(3)), e.error().retryAfter());
  }

  @Test
  void status529IsOverloaded() {
    answer(529, ContentTypes.APPLICATION_JSON, bytes("error-529-overloaded.json"));
    UpstreamException e = assertInstanceOf(UpstreamException.class,
        failureOf(adapter.completeChat(request("request-max-tokens.openai.json"), "claude-sonnet-4-5")));
    assertEquals(ErrorClass.OVERLOADED, e.error().errorClass());
    assertEquals(529, e.error().status());
    assertEquals("Overloaded", e.error().message());
  }

  @Test
  void streamCutBeforeMessageStopFailsAfterTheChunksItCarried() {
    answer(200, EVENT_STREAM, bytes("cut-stream.sse"));
    UpstreamException e = assertInstanceOf(UpstreamException.class, failureOf(
        adapter.streamChat(request("request-system.openai.json"), "claude-sonnet-4-5").runWith(Sink.seq(), materializer)));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }

  @Test
  void requestTheMappingCannotExpressFailsWithoutCallingAnthropic() {
    int before = calls.get();
    ChatRequest r = ChatRequestReader.read(
        "{\"model\":\"m\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8));
    assertInstanceOf(InvalidRequestException.class,
        failureOf(adapter.streamChat(r, "claude-sonnet-4-5").runWith(Sink.seq(), materializer)));
    assertInstanceOf(InvalidRequestException.class, failureOf(adapter.completeChat(r, "claude-sonnet-4-5")));
    assertEquals(before, calls.get());
  }
}
