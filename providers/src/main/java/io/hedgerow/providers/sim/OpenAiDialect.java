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

/** OpenAI Chat Completions: {@code POST /v1/chat/completions}, plain and {@code data:} SSE ending in [DONE]. */
final class OpenAiDialect implements SimDialect {

    private final String instanceName;
    private final boolean requireAuth;

    OpenAiDialect(String instanceName, boolean requireAuth) {
        this.instanceName = instanceName;
        this.requireAuth = requireAuth;
    }

    @Override
    public Optional<SimError> authenticate(Map<String, String> headers) {
        String auth = headers.getOrDefault("authorization", "");
        if (!requireAuth || (auth.startsWith("Bearer ") && auth.length() > "Bearer ".length())) {
            return Optional.empty();
        }
        return Optional.of(SimError.of(SimError.Kind.UNAUTHENTICATED,
                "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."));
    }

    @Override
    public SimRequest parse(String path, String query, JsonNode body) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new MalformedRequestException("'messages' must be a non-empty array.");
        }
        List<String> texts = new ArrayList<>();
        String lastUserText = "";
        for (JsonNode message : messages) {
            String text = contentText(message.path("content"));
            texts.add(text);
            if (message.path("role").asText().equals("user") && !text.isBlank()) {
                lastUserText = text;
            }
        }
        boolean answersToolResult = messages.get(messages.size() - 1).path("role").asText().equals("tool");
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            JsonNode function = tool.path("function");
            tools.add(new ToolSpec(function.path("name").asText(), function.path("parameters")));
        }
        JsonNode maxTokens = body.has("max_completion_tokens") ? body.get("max_completion_tokens") : body.get("max_tokens");
        return new SimRequest(
                body.path("model").asText("sim-" + instanceName),
                body.path("stream").asBoolean(false),
                body.path("stream_options").path("include_usage").asBoolean(false),
                texts,
                lastUserText,
                answersToolResult,
                tools,
                toolChoice(body.path("tool_choice")),
                maxTokens != null && maxTokens.canConvertToInt() ? OptionalInt.of(maxTokens.asInt()) : OptionalInt.empty());
    }

    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                sb.append(sb.length() == 0 ? "" : " ").append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> ToolChoice.AUTO;
            };
        }
        String name = choice.path("function").path("name").asText("");
        return name.isEmpty() ? ToolChoice.AUTO : new ToolChoice.Named(name);
    }

    @Override
    public JsonNode renderPlain(SimRequest request, Script script) {
        ObjectNode root = envelope(request, script, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (script instanceof Script.ToolCalls calls) {
            message.putNull("content");
            message.putNull("refusal");
            ArrayNode toolCalls = message.putArray("tool_calls");
            for (ToolCall call : calls.calls()) {
                ObjectNode tc = toolCalls.addObject();
                tc.put("id", "call_" + call.idSuffix());
                tc.put("type", "function");
                tc.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
            }
        } else {
            message.put("content", ((Script.Text) script).fullText());
            message.putNull("refusal");
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(script.finish()));
        root.set("usage", usage(script.usage()));
        return root;
    }

    @Override
    public List<Frame> renderStream(SimRequest request, Script script) {
        List<Frame> frames = new ArrayList<>();
        ObjectNode first = SimJson.object().put("role", "assistant");
        if (script instanceof Script.ToolCalls calls) {
            first.putNull("content");
            frames.add(Frame.unpaced(chunk(request, script, first, null)));
            for (int index = 0; index < calls.calls().size(); index++) {
                ToolCall call = calls.calls().get(index);
                ObjectNode start = toolCallDelta(index);
                start.put("id", "call_" + call.idSuffix()).put("type", "function");
                start.putObject("function").put("name", call.name()).put("arguments", "");
                frames.add(Frame.unpaced(chunk(request, script, wrapToolCall(start), null)));
                for (String fragment : call.fragments()) {
                    ObjectNode delta = toolCallDelta(index);
                    delta.putObject("function").put("arguments", fragment);
                    frames.add(Frame.paced(chunk(request, script, wrapToolCall(delta), null)));
                }
            }
        } else {
            first.put("content", "");
            frames.add(Frame.unpaced(chunk(request, script, first, null)));
            for (String token : ((Script.Text) script).tokens()) {
                frames.add(Frame.paced(chunk(request, script, SimJson.object().put("content", token), null)));
            }
        }
        frames.add(Frame.unpaced(chunk(request, script, SimJson.object(), finishReason(script.finish()))));
        if (request.includeUsage()) {
            ObjectNode last = envelope(request, script, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage(script.usage()));
            frames.add(Frame.unpaced(sse(last)));
        }
        frames.add(Frame.unpaced("data: [DONE]\n\n"));
        return frames;
    }

    private static ObjectNode toolCallDelta(int index) {
        return SimJson.object().put("index", index);
    }

    private static ObjectNode wrapToolCall(ObjectNode toolCall) {
        ObjectNode delta = SimJson.object();
        delta.putArray("tool_calls").add(toolCall);
        return delta;
    }

    private String chunk(SimRequest request, Script script, ObjectNode delta, String finishReason) {
        ObjectNode root = envelope(request, script, "chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (request.includeUsage()) {
            root.putNull("usage");
        }
        return sse(root);
    }

    private ObjectNode envelope(SimRequest request, Script script, String object) {
        ObjectNode root = SimJson.object();
        root.put("id", "chatcmpl-" + script.id());
        root.put("object", object);
        root.put("created", script.createdAt().getEpochSecond());
        root.put("model", request.model());
        root.put("system_fingerprint", "fp_sim_" + instanceName);
        return root;
    }

    private static String sse(JsonNode node) {
        return "data: " + SimJson.write(node) + "\n\n";
    }

    static ObjectNode usage(Usage usage) {
        return SimJson.object()
                .put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.totalTokens());
    }

    private static String finishReason(Script.Finish finish) {
        return switch (finish) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
        };
    }

    @Override
    public HttpResponse renderError(SimError error) {
        return errorResponse(error);
    }

    /** Shared with the embeddings and models endpoints, which answer in OpenAI's error shape too. */
    static HttpResponse errorResponse(SimError error) {
        int status;
        String type;
        String code;
        switch (error.kind()) {
            case UNAUTHENTICATED -> { status = 401; type = "invalid_request_error"; code = "invalid_api_key"; }
            case NOT_FOUND -> { status = 404; type = "invalid_request_error"; code = "not_found"; }
            case RATE_LIMITED -> { status = 429; type = "requests"; code = "rate_limit_exceeded"; }
            case SERVER_ERROR -> { status = 500; type = "server_error"; code = null; }
            case OVERLOADED -> { status = 503; type = "server_error"; code = "overloaded"; }
            default -> { status = 400; type = "invalid_request_error"; code = null; }
        }
        ObjectNode body = SimJson.object();
        ObjectNode err = body.putObject("error");
        err.put("message", error.message()).put("type", type).putNull("param");
        if (code == null) err.putNull("code"); else err.put("code", code);
        String requestId = "req_sim_" + Long.toHexString(System.nanoTime());
        if (error.kind() == SimError.Kind.RATE_LIMITED) {
            return JsonResponse.of(status, body, "x-request-id", requestId,
                    "retry-after", Long.toString(error.retryAfterSeconds()),
                    "retry-after-ms", Long.toString(error.retryAfter().toMillis()));
        }
        return JsonResponse.of(status, body, "x-request-id", requestId);
    }
}
