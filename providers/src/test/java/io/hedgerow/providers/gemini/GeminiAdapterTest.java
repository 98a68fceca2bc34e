package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.assertJson;
import static io.hedgerow.providers.gemini.GeminiFixtures.clientView;
import static io.hedgerow.providers.gemini.GeminiFixtures.json;
import static io.hedgerow.providers.gemini.GeminiFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderKinds;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ApiKey;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against a tiny Gemini stand-in on 127.0.0.1: URLs, headers, framing and failures end to end. */
class GeminiAdapterTest {
  private static final String KEY = "test-key-" + UUID.randomUUID();

  private static ActorTestKit testKit;
  private static ServerBinding binding;
  private static final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

  private GeminiAdapter adapter;

  /** What the stand-in received. */
  record Seen(String path, String query, Optional<String> apiKey, Optional<String> extraHeader, JsonNode body) {}

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0)
        .bind(GeminiAdapterTest::handle)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Http.get(testKit.system()).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newAdapter() {
    seen.clear();
    ProviderSettings settings = new ProviderSettings("gemini-test", "gemini",
        "http://127.0.0.1:" + binding.localAddress().getPort() + "/", Optional.of(new ApiKey(KEY)),
        Map.of("x-extra", "yes"), ConfigFactory.parseString("include-thoughts = true"));
    adapter = (GeminiAdapter) ProviderKinds.of("gemini").orElseThrow().factory()
        .create(settings, new UpstreamClient(testKit.system(), 1 << 20, 1 << 16));
  }

  private static CompletionStage<HttpResponse> handle(HttpRequest r) {
    return r.entity().toStrict(5000, testKit.system()).thenApply(strict -> {
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(strict.getData().toArray());
      } catch (Exception e) {
        body = Json.MAPPER.missingNode();
      }
      String path = r.getUri().path();
      seen.add(new Seen(path, r.getUri().rawQueryString().orElse(""),
          r.getHeader("x-goog-api-key").map(h -> h.value()), r.getHeader("x-extra").map(h -> h.value()), body));
      if (path.contains("gemini-limited")) {
        return HttpResponse.create().withStatus(429)
            .withEntity(ContentTypes.APPLICATION_JSON, GeminiFixtures.bytes("error-429-retry-info.json"));
      }
      if (path.endsWith(":streamGenerateContent")) {
        byte[] wire = GeminiFixtures.crlfSse("google-text.chunks.txt");
        List<ByteString> pieces = new ArrayList<>();
        for (int i = 0; i < wire.length; i += 50) pieces.add(ByteString.fromArray(wire, i, Math.min(50, wire.length - i)));
        return HttpResponse.create().withEntity(
            HttpEntities.createChunked(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), Source.from(pieces)));
      }
      if (path.endsWith(":generateContent")) {
        return HttpResponse.create()
            .withEntity(ContentTypes.APPLICATION_JSON, GeminiFixtures.bytes("google-tool-call.json"));
      }
      if (path.endsWith(":batchEmbedContents")) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode embeddings = answer.putArray("embeddings");
        for (JsonNode req : body.path("requests")) {
          String text = req.at("/content/parts/0/text").asText();
          embeddings.addObject().putArray("values").add(Double.parseDouble(text)).add(0.5);
        }
        return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, answer.toString());
      }
      return HttpResponse.create().withStatus(404);
    });
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable causeOf(ExecutionException e) {
    Throwable t = e.getCause();
    while (t.getCause() != null && !(t instanceof UpstreamException) && !(t instanceof InvalidRequestException)) t = t.getCause();
    return t;
  }

  @Test
  void streamsFromStreamGenerateContentWithTheKeyInAHeaderNeverTheUrl() throws Exception {
    List<ChatChunk> chunks = await(adapter.streamChat(
            request("{\"model\":\"g\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}"),
            "models/gemini-test")
        .runWith(Sink.seq(), testKit.system()));

    ArrayNode view = clientView(chunks);
    view.forEach(c -> ((ObjectNode) c).put("created", (int) GeminiFixtures.CREATED));
    assertJson(json("google-text.stream.expected.json"), view);
    Seen s = seen.remove();
    assertEquals("/v1beta/models/gemini-test:streamGenerateContent", s.path());
    assertEquals("alt=sse", s.query());
    assertEquals(Optional.of(KEY), s.apiKey());
    assertEquals(Optional.of("yes"), s.extraHeader());
    assertEquals("Count", s.body().at("/contents/0/parts/0/text").asText());
  }

  @Test
  void completesFromGenerateContent() throws Exception {
    ChatCompletion c = await(adapter.completeChat(
        request("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}"), "gemini-test"));

    assertEquals("weather", c.choices().get(0).message().toolCalls().get(0).name());
    assertTrue(c.choices().get(0).message().toolCalls().get(0).id().startsWith("call_"));
    Seen s = seen.remove();
    assertEquals("/v1beta/models/gemini-test:generateContent", s.path());
    assertEquals("", s.query());
    assertEquals(Optional.of(KEY), s.apiKey());
  }

  @Test
  void rateLimitAnswerFailsWithRateLimitedAndTheRetryDelay() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(adapter.completeChat(
        request("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), "gemini-limited")));
    UpstreamException u = assertInstanceOf(UpstreamException.class, causeOf(e));
    assertEquals(ErrorClass.RATE_LIMITED, u.error().errorClass());
    assertEquals(Optional.of(Duration.ofMillis(34_400)), u.error().retryAfter());
  }

  @Test
  void unknownToolCallIdFailsTheStreamWithoutCallingGemini() {
    CompletableFuture<List<ChatChunk>> result = adapter.streamChat(request("{\"model\":\"g\",\"messages\":["
                + "{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"42\"}]}"), "gemini-test")
        .runWith(Sink.seq(), testKit.system()).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
    assertInstanceOf(InvalidRequestException.class, causeOf(e));
    assertTrue(seen.isEmpty());
  }

  @Test
  void embeddingsAreSentInBatchesOfAHundredAndComeBackInInputOrder() throws Exception {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 150; i++) inputs.add(Integer.toString(i));
    EmbeddingResult result = await(adapter.embed(
        new EmbeddingRequest("e", inputs, OptionalInt.empty(), false, Json.MAPPER.createObjectNode()), "gemini-embedding-001"));

    assertTrue(adapter.supportsEmbeddings());
    assertEquals(150, result.vectors().size());
    for (int i = 0; i < 150; i++) assertEquals(i, result.vectors().get(i)[0]);
    assertEquals(150, result.promptTokens());
    List<Integer> batchSizes = new ArrayList<>();
    for (Seen s : seen) {
      assertEquals("/v1beta/models/gemini-embedding-001:batchEmbedContents", s.path());
      assertEquals(Optional.of(KEY), s.apiKey());
      batchSizes.add(s.body().path("requests").size());
    }
    batchSizes.sort(null);
    assertEquals(List.of(50, 100), batchSizes);
  }
}
