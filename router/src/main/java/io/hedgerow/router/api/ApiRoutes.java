package io.hedgerow.router.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatCompletionAssembler;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.ChatCompletionWriter;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.chat.json.EmbeddingRequestReader;
import io.hedgerow.providers.chat.json.EmbeddingResultWriter;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.DirectFuture;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.router.actor.EmbeddingExchange;
import io.hedgerow.router.actor.ExchangeReply;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.actor.ProviderSnapshot;
import io.hedgerow.router.actor.Router;
import io.hedgerow.router.cluster.ClusterView;
import io.hedgerow.router.config.HttpSettings;
import io.hedgerow.router.routing.RouteTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Hedgerow's HTTP API: OpenAI's {@code /v1/chat/completions} and {@code /v1/models}, health and
 * readiness, and the admin view of the providers. Every error it answers is OpenAI-shaped.
 */
public final class ApiRoutes extends AllDirectives {
  private static final String CHAT_PATH = "/v1/chat/completions";
  private static final String EMBEDDINGS_PATH = "/v1/embeddings";

  private final ActorRef<Router.Command> router;
  private final Map<String, ActorRef<ProviderActor.Command>> providers;
  private final Scheduler scheduler;
  private final Materializer materializer;
  private final HttpSettings http;
  private final Readiness readiness;
  private final HttpResponse modelsResponse;
  private final OpenStreams openStreams = new OpenStreams();
  private final Supplier<CompletionStage<ClusterView>> clusterView;

  public ApiRoutes(ActorSystem<?> system, ActorRef<Router.Command> router,
      Map<String, ActorRef<ProviderActor.Command>> providers, RouteTable routes, HttpSettings http, Readiness readiness) {
    this(system, router, providers, routes, http, readiness,
        () -> CompletableFuture.completedFuture(new ClusterView(false, "", List.of())));
  }

  /** {@code clusterView} answers {@code GET /admin/cluster}. */
  public ApiRoutes(ActorSystem<?> system, ActorRef<Router.Command> router,
      Map<String, ActorRef<ProviderActor.Command>> providers, RouteTable routes, HttpSettings http, Readiness readiness,
      Supplier<CompletionStage<ClusterView>> clusterView) {
    this.clusterView = clusterView;
    this.router = router;
    this.providers = providers;
    this.scheduler = system.scheduler();
    this.materializer = Materializer.matFromSystem(system);
    this.http = http;
    this.readiness = readiness;
    this.modelsResponse = json(200, ModelList.of(routes));
  }

  public Route routes() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
        path(segment("v1").slash("chat").slash("completions"), () -> post(() ->
            extractRequestEntity(entity -> completeWithFuture(chatCompletions(entity))))),
        path(segment("v1").slash("embeddings"), () -> post(() ->
            extractRequestEntity(entity -> completeWithFuture(embeddings(entity))))),
        path(segment("v1").slash("models"), () -> get(() -> complete(modelsResponse))),
        path("health", () -> get(() -> complete(json(200, Map.of("status", "ok"))))),
        path("ready", () -> get(this::ready)),
        path(segment("admin").slash("providers"), () -> get(() -> completeWithFuture(providerSnapshots()))),
        path(segment("admin").slash("cluster"), () -> get(() ->
            completeWithFuture(clusterView.get().thenApply(view -> json(200, view))))))));
  }

  /**
   * What the server binds: {@code POST /v1/chat/completions}, the hot path, goes straight to its handler;
   * everything else through {@link #routes}. Pekko's routing DSL costs a few percent of a chat request's CPU
   * (directive matching, effective URI, rejection bookkeeping) that this one exact match does not need.
   */
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler(ClassicActorSystemProvider system) {
    Function<HttpRequest, CompletionStage<HttpResponse>> routed = routes().handler(system);
    return request -> request.method() == HttpMethods.POST && CHAT_PATH.equals(request.getUri().path())
        ? chatCompletions(request.entity())
        : routed.apply(request);
  }

  /** The streamed answers in progress, for shutdown to wait on. */
  public OpenStreams openStreams() {
    return openStreams;
  }

  private CompletionStage<HttpResponse> chatCompletions(HttpEntity entity) {
    long start = System.nanoTime();
    return readBody(entity)
        .thenCompose(bytes -> {
          ChatRequest request = ChatRequestReader.read(bytes);
          return DirectFuture.of(AskPattern.<Router.Command, ExchangeReply>ask(router,
                  replyTo -> new Router.Dispatch(request, replyTo), http.requestTimeout(), scheduler))
              .thenCompose(reply -> respond(request, reply, start));
        })
        .exceptionally(e -> {
          ClientError error = clientError(e);
          AccessLog.record(CHAT_PATH, "-", error.status(), "-", false, 0, false, start, "rejected");
          return error.response();
        });
  }

  private CompletionStage<HttpResponse> respond(ChatRequest request, ExchangeReply reply, long start) {
    if (reply instanceof ExchangeReply.UnknownModel u) {
      AccessLog.record(CHAT_PATH, u.model(), 404, "-", false, 0, request.stream(), start, "unknown_model");
      return CompletableFuture.completedFuture(ClientError.unknownModel(u.model()).response());
    }
    if (reply instanceof ExchangeReply.Failed f) {
      ClientError error = ClientError.upstream(f.error());
      AccessLog.record(CHAT_PATH, request.model(), error.status(), "-", false, f.attempts(), request.stream(), start,
          f.error().errorClass().label());
      return CompletableFuture.completedFuture(error.response().addHeader(attemptsHeader(f.attempts())));
    }
    if (reply instanceof ExchangeReply.Completed c) {
      AccessLog.record(CHAT_PATH, request.model(), 200, c.provider(), false, c.attempts(), false, start, "ok");
      return CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.OK)
          .addHeaders(answerHeaders(c.provider(), c.attempts(), false))
          .withEntity(ContentTypes.APPLICATION_JSON, ChatCompletionWriter.write(c.completion())));
    }
    ExchangeReply.Streaming s = (ExchangeReply.Streaming) reply;
    List<HttpHeader> headers = answerHeaders(s.provider(), s.attempts(), s.hedged());
    if (request.stream()) {
      var body = s.chunks().via(new ClientStream(request.includeUsage(), openStreams, end ->
          AccessLog.record(CHAT_PATH, request.model(), 200, s.provider(), s.hedged(), s.attempts(), true, start, switch (end) {
            case COMPLETED -> "ok";
            case FAILED_MID_STREAM -> "failed_mid_stream";
            case CLIENT_GONE -> "client_gone";
          })));
      return CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.OK).addHeaders(headers)
          .addHeader(NO_CACHE)
          .withEntity(HttpEntities.createChunked(EVENT_STREAM, body)));
    }
    // a plain request on a hedged route was read as a stream (so the first-token deadline applied): fold it
    return DirectFuture.of(s.chunks().runWith(Sink.fold(new ChatCompletionAssembler(), ChatCompletionAssembler::add), materializer))
        .thenApply(assembled -> {
          ChatCompletion completion = assembled.result();
          AccessLog.record(CHAT_PATH, request.model(), 200, s.provider(), s.hedged(), s.attempts(), false, start, "ok");
          return HttpResponse.create().withStatus(StatusCodes.OK).addHeaders(headers)
              .withEntity(ContentTypes.APPLICATION_JSON, ChatCompletionWriter.write(completion));
        })
        .exceptionally(e -> {
          ClientError error = ClientError.upstream(UpstreamClient.asUpstream(e).error());
          AccessLog.record(CHAT_PATH, request.model(), error.status(), s.provider(), s.hedged(), s.attempts(), false, start, "failed_mid_answer");
          return error.response().addHeaders(headers);
        });
  }

  private static List<HttpHeader> answerHeaders(String provider, int attempts, boolean hedged) {
    return List.of(RawHeader.create("x-hedgerow-provider", provider), attemptsHeader(attempts),
        RawHeader.create("x-hedgerow-hedged", Boolean.toString(hedged)));
  }

  private CompletionStage<HttpResponse> embeddings(HttpEntity entity) {
    long start = System.nanoTime();
    return readBody(entity)
        .thenCompose(bytes -> {
          EmbeddingRequest request = EmbeddingRequestReader.read(bytes);
          return DirectFuture.of(AskPattern.<Router.Command, EmbeddingExchange.Reply>ask(router,
                  replyTo -> new Router.DispatchEmbedding(request, replyTo), http.requestTimeout(), scheduler))
              .thenApply(reply -> embeddingResponse(request, reply, start));
        })
        .exceptionally(e -> {
          ClientError error = clientError(e);
          AccessLog.record(EMBEDDINGS_PATH, "-", error.status(), "-", false, 0, false, start, "rejected");
          return error.response();
        });
  }

  private HttpResponse embeddingResponse(EmbeddingRequest request, EmbeddingExchange.Reply reply, long start) {
    if (reply instanceof EmbeddingExchange.Unsupported u) {
      ClientError error = u.known()
          ? ClientError.invalidRequest("The model '" + u.model() + "' does not serve embeddings.", "model", "model_not_supported")
          : ClientError.unknownModel(u.model());
      AccessLog.record(EMBEDDINGS_PATH, u.model(), error.status(), "-", false, 0, false, start, "unsupported");
      return error.response();
    }
    if (reply instanceof EmbeddingExchange.Failed f) {
      ClientError error = ClientError.upstream(f.error());
      AccessLog.record(EMBEDDINGS_PATH, request.model(), error.status(), "-", false, f.attempts(), false, start,
          f.error().errorClass().label());
      return error.response().addHeader(attemptsHeader(f.attempts()));
    }
    EmbeddingExchange.Embedded e = (EmbeddingExchange.Embedded) reply;
    AccessLog.record(EMBEDDINGS_PATH, request.model(), 200, e.provider(), false, e.attempts(), false, start, "ok");
    return HttpResponse.create().withStatus(StatusCodes.OK)
        .addHeaders(List.of(RawHeader.create("x-hedgerow-provider", e.provider()), attemptsHeader(e.attempts())))
        .withEntity(ContentTypes.APPLICATION_JSON, EmbeddingResultWriter.write(e.result(), request.base64()));
  }

  private CompletableFuture<byte[]> readBody(HttpEntity entity) {
    if (entity.getContentLengthOption().orElse(0L) > http.maxBodyBytes()) {
      entity.discardBytes(materializer);
      return CompletableFuture.failedFuture(new EntityStreamSizeException(http.maxBodyBytes(),
          scala.Option.apply(entity.getContentLengthOption().getAsLong())));
    }
    // the usual case: the body came with the headers, so there is nothing to stream or wait for
    if (entity instanceof HttpEntity.Strict strict) return CompletableFuture.completedFuture(strict.getData().toArrayUnsafe());
    return DirectFuture.of(entity.withSizeLimit(http.maxBodyBytes()).toStrict(BODY_READ_TIMEOUT.toMillis(), materializer))
        .thenApply(strict -> strict.getData().toArrayUnsafe());
  }

  private ClientError clientError(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof InvalidRequestException invalid) return ClientError.invalidRequest(invalid);
    if (cause instanceof EntityStreamSizeException) return ClientError.tooLarge(http.maxBodyBytes());
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return ClientError.of(504, "The gateway did not get an answer in time.", "server_error", "gateway_timeout");
    }
    return ClientError.upstream(UpstreamClient.asUpstream(cause).error());
  }

  private Route ready() {
    Readiness.State state = readiness.state();
    int status = state == Readiness.State.READY ? 200 : 503;
    return complete(json(status, Map.of("status", state.name().toLowerCase())));
  }

  private CompletionStage<HttpResponse> providerSnapshots() {
    List<CompletableFuture<ProviderSnapshot>> asks = new ArrayList<>();
    providers.values().forEach(ref -> asks.add(AskPattern.<ProviderActor.Command, ProviderSnapshot>ask(
        ref, ProviderActor.GetSnapshot::new, Duration.ofSeconds(3), scheduler).toCompletableFuture()));
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<ProviderSnapshot> out = new ArrayList<>();
      asks.forEach(a -> out.add(a.join()));
      return json(200, Map.of("providers", out));
    });
  }

  private static HttpHeader attemptsHeader(int attempts) {
    return RawHeader.create("x-hedgerow-attempts", Integer.toString(attempts));
  }

  static HttpResponse json(int status, Object body) {
    try {
      return HttpResponse.create().withStatus(StatusCodes.get(status))
          .withEntity(ContentTypes.APPLICATION_JSON, Json.MAPPER.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rs -> complete(ClientError.of(405,
            "Method not allowed here; use " + rs.get(0).supported().name() + ".", "invalid_request_error",
            "method_not_allowed").response()))
        .handleNotFound(extractRequest(req -> complete(ClientError.of(404,
            "Unknown request URL: " + req.method().name() + " " + req.getUri().path() + ".", "invalid_request_error",
            "unknown_url").response())))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(response -> response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)
            ? response
            : ClientError.of(response.status().intValue(), "The request was rejected: " + response.status().reason() + ".",
                "invalid_request_error", null).response());
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(Throwable.class, e -> {
          org.slf4j.LoggerFactory.getLogger(ApiRoutes.class).error("Unhandled error", e);
          return complete(ClientError.of(500, "The gateway failed to handle this request.", "server_error", "internal_error")
              .response());
        })
        .build();
  }

  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(30);
  private static final HttpHeader NO_CACHE = RawHeader.create("Cache-Control", "no-cache");
  private static final org.apache.pekko.http.javadsl.model.ContentType EVENT_STREAM = ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM);
}
