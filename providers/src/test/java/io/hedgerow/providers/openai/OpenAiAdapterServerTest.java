package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.bytes;
import static io.hedgerow.providers.openai.OpenAiFixtures.fakeKey;
import static io.hedgerow.providers.openai.OpenAiFixtures.frames;
import static io.hedgerow.providers.openai.OpenAiFixtures.json;
import static io.hedgerow.providers.openai.OpenAiFixtures.jsonLines;
import static io.hedgerow.providers.openai.OpenAiFixtures.parse;
import static io.hedgerow.providers.openai.OpenAiFixtures.request;
import static io.hedgerow.providers.openai.OpenAiFixtures.settings;
import static io.hedgerow.providers.openai.OpenAiFixtures.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.ProviderKinds;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.json.EmbeddingRequestReader;
import io.hedgerow.providers.upstream.ApiKey;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter against a tiny upstream on 127.0.0.1: what the upstream receives (URL, headers, body) and
 * what the adapter makes of its answers, streamed in small HTTP chunks.
 */
class OpenAiAdapterServerTest {
  private static final String CHAT = """
      {"model":"chat","messages":[{"role":"user","content":"hi"}],"temperature":0.3,"x_hedgerow_probe":[1,2]}""";

  /** One request as the upstream saw it. */
  private record Seen(String method, String uri, List<HttpHeader> headers, JsonNode body) {
    Optional<String> header(String name) {
      return headers.stream().filter(h -> h.is(name.toLowerCase())).map(HttpHeader::value).findFirst();
    }
  }

  private static ActorTestKit kit;
  private static ServerBinding binding;
  private static UpstreamClient client;
  private static String root;
  private static final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create();
    Materializer mat = Materializer.matFromSystem(kit.system());
    org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler =
        r -> r.entity().toStrict(5_000, mat).thenApply(strict -> answer(r, strict.getData()));
    binding = Http.get(kit.system()).newServerAt("127.0.0.1", 0).bind(handler)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    root = "http://127.0.0.1:" + binding.localAddress().getPort();
    client = new UpstreamClient(kit.system(), 1 << 20, 1 << 20);
  }

  @AfterAll
  static void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Http.get(kit.system()).shutdownAllConnectionPools().toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.shutdownTestKit();
  }

  @BeforeEach
  void forget() {
    seen.clear();
  }

  private static HttpResponse answer(HttpRequest r, ByteString body) {
    JsonNode json = body.isEmpty() ? parse("{}") : parse(body.utf8String());
    List<HttpHeader> headers = new ArrayList<>();
    r.getHeaders().forEach(headers::add);
    seen.add(new Seen(r.method().value(), r.getUri().toString(), headers, json));
    String path = r.getUri().path();
    boolean stream = json.path("stream").asBoolean(false);
    if (path.startsWith("/limited/")) {
      return HttpResponse.create().withStatus(429).addHeader(RawHeader.create("retry-after", "2"))
          .withEntity(ContentTypes.APPLICATION_JSON, bytes("error-429-rate-limit.json"));
    }
    if (path.endsWith("/embeddings")) return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, bytes("embeddings.json"));
    if (path.startsWith("/azure/")) return sse("azure-content-filter.sse");
    if (path.startsWith("/broken/")) return sse("error-mid-stream.sse");
    if (path.startsWith("/mistral/")) return sse("mistral-usage-on-finish.sse");
    return stream ? sse("text-stream.sse")
        : HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, bytes("completion-text.json"));
  }

  /** The fixture as a chunked event stream, 40 bytes a chunk, so frames straddle HTTP chunks. */
  private static HttpResponse sse(String fixture) {
    byte[] raw = bytes(fixture);
    List<ByteString> pieces = new ArrayList<>();
    for (int i = 0; i < raw.length; i += 40) pieces.add(ByteString.fromArray(raw, i, Math.min(40, raw.length - i)));
    return HttpResponse.create().withEntity(
        HttpEntities.createChunked(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), Source.from(pieces)));
  }

  private static ProviderAdapter adapter(String kind, String base, Optional<ApiKey> key) {
    return ProviderKinds.of(kind).orElseThrow().factory().create(settings(kind, base, key, ""), client);
  }

  private static List<ChatChunk> stream(ProviderAdapter a, String model) throws Exception {
    return a.streamChat(request(CHAT), model).runWith(Sink.seq(), kit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void streamPostsThePassThroughBodyWithBearerKeyAndDecodesTheEventStream() throws Exception {
    ApiKey key = fakeKey();
    List<ChatChunk> chunks = stream(adapter("openai", root + "/v1", Optional.of(key)), "gpt-4.1-nano");
    assertEquals(jsonLines("text-stream.expected.jsonl"), frames(chunks));
    Seen s = seen.remove();
    assertEquals("POST", s.method());
    assertEquals(root + "/v1/chat/completions", s.uri());
    assertEquals(Optional.of("Bearer " + key.value()), s.header("Authorization"));
    assertEquals(parse("""
        {"model":"gpt-4.1-nano","messages":[{"role":"user","content":"hi"}],"temperature":0.3,"x_hedgerow_probe":[1,2],
         "stream":true,"stream_options":{"include_usage":true}}"""), s.body());
  }

  @Test
  void plainCallSendsNoStreamFlagsAndMapsTheCompletion() throws Exception {
    var completion = await(adapter("openai", root + "/v1", Optional.of(fakeKey())).completeChat(request(CHAT), "gpt-4.1-nano"));
    assertEquals(json("completion-text.expected.json"), written(completion));
    JsonNode body = seen.remove().body();
    assertFalse(body.has("stream"));
    assertFalse(body.has("stream_options"));
  }

  @Test
  void ollamaWithoutAKeySendsNoAuthorization() throws Exception {
    stream(adapter("ollama", root + "/v1", Optional.empty()), "llama3.2");
    assertEquals(Optional.empty(), seen.remove().header("Authorization"));
  }

  @Test
  void azureStreamGoesToTheDeploymentWithApiKeyHeaderAndDropsThePromptFilterOpener() throws Exception {
    ApiKey key = fakeKey();
    List<ChatChunk> chunks = stream(adapter("azure-openai", root + "/azure", Optional.of(key)), "gpt-5-nano-prod");
    assertEquals(jsonLines("azure-content-filter.expected.jsonl"), frames(chunks));
    Seen s = seen.remove();
    assertEquals(root + "/azure/openai/deployments/gpt-5-nano-prod/chat/completions?api-version=2024-10-21", s.uri());
    assertEquals(Optional.of(key.value()), s.header("api-key"));
    assertEquals(Optional.empty(), s.header("Authorization"));
  }

  @Test
  void mistralIsAskedWithoutStreamOptionsAndStillYieldsAUsageChunk() throws Exception {
    List<ChatChunk> chunks = stream(adapter("mistral", root + "/mistral/v1", Optional.of(fakeKey())), "mistral-small-latest");
    assertEquals(jsonLines("mistral-usage-on-finish.expected.jsonl"), frames(chunks));
    assertFalse(seen.remove().body().has("stream_options"));
  }

  @Test
  void embeddingsForceFloatFromUpstreamAndReturnVectorsInInputOrder() throws Exception {
    var request = EmbeddingRequestReader.read(
        "{\"model\":\"embed\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}".getBytes(StandardCharsets.UTF_8));
    ProviderAdapter a = adapter("openai", root + "/v1", Optional.of(fakeKey()));
    assertTrue(a.supportsEmbeddings());
    EmbeddingResult result = await(a.embed(request, "text-embedding-3-small"));
    assertEquals(2, result.vectors().size());
    assertEquals(-0.015f, result.vectors().get(1)[0]);
    Seen s = seen.remove();
    assertEquals(root + "/v1/embeddings", s.uri());
    assertEquals(parse("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"float\"}"), s.body());
  }

  @Test
  void embedOnAKindWithoutEmbeddingsFailsWithoutCallingUpstream() {
    var request = EmbeddingRequestReader.read("{\"model\":\"e\",\"input\":\"a\"}".getBytes(StandardCharsets.UTF_8));
    CompletableFuture<EmbeddingResult> f = adapter("groq", root + "/v1", Optional.of(fakeKey())).embed(request, "x").toCompletableFuture();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertEquals(ErrorClass.BAD_REQUEST, assertInstanceOf(UpstreamException.class, e.getCause()).error().errorClass());
    assertTrue(seen.isEmpty());
  }

  @Test
  void rateLimitedAnswerFailsTheStreamBeforeAnyChunkWithItsRetryAfter() {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> stream(adapter("openai", root + "/limited/v1", Optional.of(fakeKey())), "gpt-4o"));
    UpstreamException u = assertInstanceOf(UpstreamException.class, e.getCause());
    assertEquals(ErrorClass.RATE_LIMITED, u.error().errorClass());
    assertEquals(429, u.error().status());
    assertEquals(Optional.of(Duration.ofSeconds(2)), u.error().retryAfter());
  }

  @Test
  void errorFrameAfterHttp200FailsTheStreamWithTheUpstreamsMessage() {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> stream(adapter("openai", root + "/broken/v1", Optional.of(fakeKey())), "gpt-4o-mini"));
    UpstreamException u = assertInstanceOf(UpstreamException.class, e.getCause());
    assertEquals(ErrorClass.SERVER_ERROR, u.error().errorClass());
  }
}
