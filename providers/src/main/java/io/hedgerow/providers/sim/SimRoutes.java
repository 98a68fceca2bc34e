package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each request whole, records it and sends it to the endpoint its path names. Plain request/response
 * handling rather than the routing DSL, because a simulated reset must end the connection, not answer 500.
 */
final class SimRoutes {

    private static final Logger log = LoggerFactory.getLogger(SimRoutes.class);
    private static final long BODY_TIMEOUT_MILLIS = 10_000;

    private final SimSettings settings;
    private final Materializer materializer;
    private final RequestLog requestLog;
    private final SimCounters counters;
    private final OpenAiDialect openAi;
    private final AnthropicDialect anthropic = new AnthropicDialect();
    private final GeminiDialect gemini = new GeminiDialect();
    private final ChatExchange chat;
    private final EmbeddingEndpoints embeddings;
    private final PlainResponder plain;

    SimRoutes(SimSettings settings, ActorSystem<?> system, RequestLog requestLog, SimCounters counters) {
        this.settings = settings;
        this.materializer = Materializer.matFromSystem(system);
        this.requestLog = requestLog;
        this.counters = counters;
        this.openAi = new OpenAiDialect(settings.name(), settings.requireAuth());
        AnswerPlanner planner = new AnswerPlanner(settings);
        this.plain = new PlainResponder(system, counters, settings.faults().retryAfter());
        this.chat = new ChatExchange(settings.name(), planner, new StreamPacer(system, counters), plain, counters);
        this.embeddings = new EmbeddingEndpoints(settings.name(), planner, plain, openAi, gemini);
    }

    CompletionStage<Reply> handle(HttpRequest request) {
        return request.entity().toStrict(BODY_TIMEOUT_MILLIS, materializer)
                .thenCompose(strict -> dispatch(received(request, strict.getData().utf8String())))
                .exceptionally(failure -> {
                    log.warn("sim {}: request {} {} failed", settings.name(), request.method().value(),
                            request.getUri().path(), failure);
                    return plain.error(OpenAiDialect.errorResponse(
                            SimError.of(SimError.Kind.SERVER_ERROR, "simulator failure: " + failure)));
                });
    }

    private static RecordedRequest received(HttpRequest request, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpHeader header : request.getHeaders()) {
            headers.merge(header.lowercaseName(), header.value(), (a, b) -> a + ", " + b);
        }
        return new RecordedRequest(request.method().value(), request.getUri().path(),
                request.getUri().rawQueryString().orElse(""), Map.copyOf(headers), body);
    }

    private CompletionStage<Reply> dispatch(RecordedRequest r) {
        String path = r.path();
        boolean post = r.method().equals(HttpMethods.POST.value());
        if (path.startsWith("/_sim/")) {
            return introspection(path);
        }
        requestLog.add(r);
        counters.requestReceived();
        if (post && path.equals("/v1/chat/completions")) {
            return chat.handle(openAi, r);
        }
        if (post && path.equals("/v1/messages")) {
            return chat.handle(anthropic, r);
        }
        if (post && path.equals("/v1/embeddings")) {
            return embeddings.openAi(r);
        }
        if (!post && path.equals("/v1/models")) {
            return ok(models());
        }
        if (post && path.startsWith(GeminiDialect.PATH_PREFIX)) {
            if (path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent")) {
                return chat.handle(gemini, r);
            }
            if (path.endsWith(":batchEmbedContents") || path.endsWith(":embedContent")) {
                return embeddings.gemini(r, path.endsWith(":batchEmbedContents"));
            }
        }
        SimError notFound = SimError.of(SimError.Kind.NOT_FOUND,
                "Unknown request URL: " + r.method() + " " + path + " (simulated upstream '" + settings.name() + "').");
        return CompletableFuture.completedFuture(plain.error(path.startsWith("/v1beta/")
                ? GeminiDialect.errorResponse(notFound) : OpenAiDialect.errorResponse(notFound)));
    }

    private CompletionStage<Reply> introspection(String path) {
        return switch (path.toLowerCase(Locale.ROOT)) {
            case "/_sim/requests" -> CompletableFuture.completedFuture(
                    Reply.answer(JsonResponse.ok(SimJson.MAPPER.valueToTree(requestLog.snapshot()))));
            case "/_sim/counters" -> CompletableFuture.completedFuture(
                    Reply.answer(JsonResponse.ok(SimJson.MAPPER.valueToTree(counters.snapshot()))));
            default -> CompletableFuture.completedFuture(Reply.answer(OpenAiDialect.errorResponse(
                    SimError.of(SimError.Kind.NOT_FOUND, "Try /_sim/requests or /_sim/counters."))));
        };
    }

    private CompletionStage<Reply> ok(ObjectNode body) {
        counters.plainAnswered();
        return CompletableFuture.completedFuture(Reply.answer(JsonResponse.ok(body)));
    }

    private ObjectNode models() {
        ObjectNode root = SimJson.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        long created = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();
        for (String id : new String[] {"sim-" + settings.name(), "sim-" + settings.name() + "-embed"}) {
            data.addObject().put("id", id).put("object", "model").put("created", created).put("owned_by", "hedgerow-sim");
        }
        return root;
    }
}
