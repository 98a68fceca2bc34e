package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Google Gemini: {@code POST /v1beta/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}, whose frames end in CRLF and carry whole function calls.
 */
final class GeminiDialect implements SimDialect {

    static final String PATH_PREFIX = "/v1beta/models/";

    @Override
    public Optional<SimError> authenticate(Map<String, String> headers) {
        if (!headers.getOrDefault("x-goog-api-key", "").isBlank()) {
            return Optional.empty();
        }
        return Optional.of(SimError.of(SimError.Kind.UNAUTHENTICATED, "API key not valid. Please pass a valid API key."));
    }

    /** The model named in the path, e.g. {@code gemini-2.0-flash} from {@code /v1beta/models/gemini-2.0-flash:generateContent}. */
    static String modelOf(String path) {
        String rest = path.substring(PATH_PREFIX.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }

    @Override
    public SimRequest parse(String path, String query, JsonNode body) {
        boolean stream = path.endsWith(":streamGenerateContent");
        if (stream && !query.contains("alt=sse")) {
            throw new MalformedRequestException("The simulator streams only with alt=sse (JSON-array streaming is not simulated).");
        }
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            throw new MalformedRequestException("* GenerateContentRequest.contents: contents is not specified");
        }
        List<String> texts = new ArrayList<>();
        texts.add(partsText(body.path("systemInstruction").path("parts")));
        String lastUserText = "";
        for (JsonNode content : contents) {
            String role = content.path("role").asText("user");
            if (!role.equals("user") && !role.equals("model")) {
                throw new MalformedRequestException("Please use a valid role: user, model.");
            }
            String text = partsText(content.path("parts"));
            texts.add(text);
            if (role.equals("user") && !text.isBlank()) {
                lastUserText = text;
            }
        }
        boolean answersToolResult = false;
        for (JsonNode part : contents.get(contents.size() - 1).path("parts")) {
            answersToolResult |= part.has("functionResponse");
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            for (JsonNode declaration : tool.path("functionDeclarations")) {
                tools.add(new ToolSpec(declaration.path("name").asText(), declaration.path("parameters")));
            }
        }
        JsonNode maxTokens = body.path("generationConfig").path("maxOutputTokens");
        return new SimRequest(
                modelOf(path),
                stream,
                false, // Gemini reports usage in every frame; there is no opt-in
                texts,
                lastUserText,
                answersToolResult,
                tools,
                toolChoice(body.path("toolConfig").path("functionCallingConfig")),
                maxTokens.canConvertToInt() ? OptionalInt.of(maxTokens.asInt()) : OptionalInt.empty());
    }

    private static String partsText(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : parts) {
            if (part.has("text")) {
                sb.append(' ').append(part.get("text").asText());
            }
        }
        return sb.toString().strip();
    }

    private static ToolChoice toolChoice(JsonNode config) {
        return switch (config.path("mode").asText("AUTO")) {
            case "NONE" -> ToolChoice.NONE;
            case "ANY" -> config.path("allowedFunctionNames").size() > 0
                    ? new ToolChoice.Named(config.path("allowedFunctionNames").get(0).asText())
                    : ToolChoice.REQUIRED;
            default -> ToolChoice.AUTO;
        };
    }

    @Override
    public JsonNode renderPlain(SimRequest request, Script script) {
        List<ObjectNode> parts = new ArrayList<>();
        if (script instanceof Script.ToolCalls calls) {
            for (ToolCall call : calls.calls()) {
                parts.add(functionCallPart(call));
            }
        } else {
            parts.add(SimJson.object().put("text", ((Script.Text) script).fullText()));
        }
        return response(request, script, parts, true, script.usage().completionTokens());
    }

    @Override
    public List<Frame> renderStream(SimRequest request, Script script) {
        List<Frame> frames = new ArrayList<>();
        if (script instanceof Script.ToolCalls calls) {
            int soFar = 0;
            for (int i = 0; i < calls.calls().size(); i++) {
                ToolCall call = calls.calls().get(i);
                soFar += Math.max(1, call.argumentsJson().length() / 4);
                boolean last = i == calls.calls().size() - 1;
                frames.add(Frame.paced(sse(response(request, script, List.of(functionCallPart(call)), last, soFar))));
            }
        } else {
            List<String> tokens = ((Script.Text) script).tokens();
            for (int i = 0; i < tokens.size(); i++) {
                ObjectNode part = SimJson.object().put("text", tokens.get(i));
                boolean last = i == tokens.size() - 1;
                frames.add(Frame.paced(sse(response(request, script, List.of(part), last, i + 1))));
            }
            if (tokens.isEmpty()) {
                ObjectNode part = SimJson.object().put("text", "");
                frames.add(Frame.paced(sse(response(request, script, List.of(part), true, 0))));
            }
        }
        return frames;
    }

    private static ObjectNode functionCallPart(ToolCall call) {
        ObjectNode part = SimJson.object();
        part.putObject("functionCall").put("name", call.name()).set("args", call.arguments());
        return part;
    }

    /** One GenerateContentResponse; usage is the running total up to {@code candidatesSoFar} tokens. */
    private static ObjectNode response(SimRequest request, Script script, List<ObjectNode> parts, boolean last,
            int candidatesSoFar) {
        ObjectNode root = SimJson.object();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        ArrayNode partArray = content.putArray("parts");
        parts.forEach(partArray::add);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", script.finish() == Script.Finish.LENGTH ? "MAX_TOKENS" : "STOP");
        }
        candidate.put("index", 0);
        int prompt = script.usage().promptTokens();
        root.putObject("usageMetadata").put("promptTokenCount", prompt)
                .put("candidatesTokenCount", candidatesSoFar).put("totalTokenCount", prompt + candidatesSoFar);
        root.put("modelVersion", request.model());
        root.put("responseId", script.id());
        return root;
    }

    /** Google frames server-sent events with CRLF, which clients must accept as well as LF. */
    private static String sse(JsonNode node) {
        return "data: " + SimJson.write(node) + "\r\n\r\n";
    }

    @Override
    public HttpResponse renderError(SimError error) {
        return errorResponse(error);
    }

    /** Shared with {@code batchEmbedContents}, which answers in the same shape. */
    static HttpResponse errorResponse(SimError error) {
        int status;
        String grpcStatus;
        switch (error.kind()) {
            case UNAUTHENTICATED, BAD_REQUEST -> { status = 400; grpcStatus = "INVALID_ARGUMENT"; }
            case NOT_FOUND -> { status = 404; grpcStatus = "NOT_FOUND"; }
            case RATE_LIMITED -> { status = 429; grpcStatus = "RESOURCE_EXHAUSTED"; }
            case OVERLOADED -> { status = 503; grpcStatus = "UNAVAILABLE"; }
            default -> { status = 500; grpcStatus = "INTERNAL"; }
        }
        ObjectNode body = SimJson.object();
        ObjectNode err = body.putObject("error").put("code", status).put("message", error.message()).put("status", grpcStatus);
        if (error.kind() == SimError.Kind.UNAUTHENTICATED) {
            ObjectNode info = err.putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                    .put("reason", "API_KEY_INVALID")
                    .put("domain", "googleapis.com");
            info.putObject("metadata").put("service", "generativelanguage.googleapis.com");
        } else if (error.kind() == SimError.Kind.RATE_LIMITED) {
            err.putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", error.retryAfterSeconds() + "s");
        }
        return JsonResponse.of(status, body);
    }
}
