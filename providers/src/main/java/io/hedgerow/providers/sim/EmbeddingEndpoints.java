package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * OpenAI's {@code POST /v1/embeddings} and Gemini's {@code :batchEmbedContents} / {@code :embedContent},
 * with deterministic vectors. Faults and latency apply as for chat, forced only by {@code x-sim-*} headers.
 */
final class EmbeddingEndpoints {

    private final String instanceName;
    private final AnswerPlanner planner;
    private final PlainResponder plain;
    private final OpenAiDialect openAi;
    private final GeminiDialect gemini;

    EmbeddingEndpoints(String instanceName, AnswerPlanner planner, PlainResponder plain, OpenAiDialect openAi,
            GeminiDialect gemini) {
        this.instanceName = instanceName;
        this.planner = planner;
        this.plain = plain;
        this.openAi = openAi;
        this.gemini = gemini;
    }

    CompletionStage<Reply> openAi(RecordedRequest received) {
        Optional<SimError> refused = openAi.authenticate(received.headers());
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(plain.error(OpenAiDialect.errorResponse(refused.get())));
        }
        JsonNode body = readObject(received.body());
        JsonNode input = body.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray() && input.size() > 0 && input.get(0).isNumber()) {
            texts.add(input.toString()); // one pre-tokenized input
        } else {
            input.forEach(item -> texts.add(item.isTextual() ? item.asText() : item.toString()));
        }
        if (texts.isEmpty()) {
            return badRequest(OpenAiDialect::errorResponse, "'input' is a required property");
        }
        return respond(received, OpenAiDialect::errorResponse, () -> {
            ObjectNode root = SimJson.object().put("object", "list");
            ArrayNode data = root.putArray("data");
            for (int i = 0; i < texts.size(); i++) {
                ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
                vector(item.putArray("embedding"), texts.get(i));
            }
            root.put("model", body.path("model").asText("sim-" + instanceName + "-embed"));
            int words = wordCount(texts);
            root.putObject("usage").put("prompt_tokens", words).put("total_tokens", words);
            return root;
        });
    }

    CompletionStage<Reply> gemini(RecordedRequest received, boolean batch) {
        Optional<SimError> refused = gemini.authenticate(received.headers());
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(plain.error(GeminiDialect.errorResponse(refused.get())));
        }
        JsonNode body = readObject(received.body());
        List<String> texts = new ArrayList<>();
        if (batch) {
            body.path("requests").forEach(r -> texts.add(partsText(r.path("content"))));
        } else if (body.has("content")) {
            texts.add(partsText(body.path("content")));
        }
        if (texts.isEmpty()) {
            return badRequest(GeminiDialect::errorResponse, "* BatchEmbedContentsRequest.requests: contents are required");
        }
        return respond(received, GeminiDialect::errorResponse, () -> {
            ObjectNode root = SimJson.object();
            if (batch) {
                ArrayNode embeddings = root.putArray("embeddings");
                texts.forEach(t -> vector(embeddings.addObject().putArray("values"), t));
            } else {
                vector(root.putObject("embedding").putArray("values"), texts.get(0));
            }
            return root;
        });
    }

    private CompletionStage<Reply> respond(RecordedRequest received, Function<SimError, HttpResponse> errors,
            Supplier<JsonNode> answer) {
        Plan plan = planner.planWithoutScript(Overrides.fromHeaders(received.headers()), planner.nextRandom());
        return plain.respond(plan.fault(), plan.ttft(), errors, () -> JsonResponse.ok(answer.get()));
    }

    private CompletionStage<Reply> badRequest(Function<SimError, HttpResponse> errors, String message) {
        return CompletableFuture.completedFuture(
                plain.error(errors.apply(SimError.of(SimError.Kind.BAD_REQUEST, message))));
    }

    /** An unreadable body is treated as an empty object, so the caller reports the missing field. */
    private static JsonNode readObject(String body) {
        try {
            JsonNode node = SimJson.MAPPER.readTree(body);
            return node == null ? SimJson.object() : node;
        } catch (IOException e) {
            return SimJson.object();
        }
    }

    private static String partsText(JsonNode content) {
        StringBuilder sb = new StringBuilder();
        content.path("parts").forEach(p -> sb.append(p.path("text").asText()));
        return sb.toString();
    }

    private static void vector(ArrayNode target, String text) {
        for (double v : EmbeddingVector.of(text)) {
            target.add(v);
        }
    }

    private static int wordCount(List<String> texts) {
        int words = 0;
        for (String t : texts) {
            words += t.isBlank() ? 0 : t.strip().split("\\s+").length;
        }
        return Math.max(1, words);
    }
}
