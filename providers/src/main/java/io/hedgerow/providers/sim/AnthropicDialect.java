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

/** Anthropic Messages: {@code POST /v1/messages}, plain and SSE with named events. */
final class AnthropicDialect implements SimDialect {

    @Override
    public Optional<SimError> authenticate(Map<String, String> headers) {
        if (headers.getOrDefault("x-api-key", "").isBlank()) {
            return Optional.of(SimError.of(SimError.Kind.UNAUTHENTICATED, "x-api-key header is required"));
        }
        if (headers.getOrDefault("anthropic-version", "").isBlank()) {
            return Optional.of(SimError.of(SimError.Kind.BAD_REQUEST, "anthropic-version: header is required"));
        }
        return Optional.empty();
    }

    @Override
    public SimRequest parse(String path, String query, JsonNode body) {
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new MalformedRequestException("messages: Field required");
        }
        if (!body.path("max_tokens").canConvertToInt() || body.path("max_tokens").asInt() < 1) {
            throw new MalformedRequestException("max_tokens: Field required");
        }
        List<String> texts = new ArrayList<>();
        texts.add(blockText(body.path("system"), false));
        String lastUserText = "";
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new MalformedRequestException(
                        "messages: Unexpected role \"" + role + "\". Allowed roles are \"user\" or \"assistant\".");
            }
            texts.add(blockText(message.path("content"), true));
            String ownText = blockText(message.path("content"), false);
            if (role.equals("user") && !ownText.isBlank()) {
                lastUserText = ownText;
            }
        }
        boolean answersToolResult = false;
        for (JsonNode block : messages.get(messages.size() - 1).path("content")) {
            answersToolResult |= block.path("type").asText().equals("tool_result");
        }
        List<ToolSpec> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) {
            tools.add(new ToolSpec(tool.path("name").asText(), tool.path("input_schema")));
        }
        return new SimRequest(
                body.path("model").asText(),
                body.path("stream").asBoolean(false),
                false,
                texts,
                lastUserText,
                answersToolResult,
                tools,
                toolChoice(body.path("tool_choice")),
                OptionalInt.of(body.path("max_tokens").asInt()));
    }

    /** Text of a string or of text blocks; with {@code withToolResults}, tool results count as prompt too. */
    private static String blockText(JsonNode content, boolean withToolResults) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode block : content) {
            String type = block.path("type").asText();
            if (type.equals("text")) {
                sb.append(' ').append(block.path("text").asText());
            } else if (withToolResults && type.equals("tool_result")) {
                sb.append(' ').append(blockText(block.path("content"), false));
            }
        }
        return sb.toString().strip();
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        return switch (choice.path("type").asText("auto")) {
            case "none" -> ToolChoice.NONE;
            case "any" -> ToolChoice.REQUIRED;
            case "tool" -> new ToolChoice.Named(choice.path("name").asText());
            default -> ToolChoice.AUTO;
        };
    }

    @Override
    public JsonNode renderPlain(SimRequest request, Script script) {
        ObjectNode root = messageEnvelope(request, script);
        ArrayNode content = root.putArray("content");
        if (script instanceof Script.ToolCalls calls) {
            for (ToolCall call : calls.calls()) {
                content.addObject().put("type", "tool_use").put("id", "toolu_" + call.idSuffix())
                        .put("name", call.name()).set("input", call.arguments());
            }
        } else {
            content.addObject().put("type", "text").put("text", ((Script.Text) script).fullText());
        }
        root.put("stop_reason", stopReason(script.finish()));
        root.putNull("stop_sequence");
        root.set("usage", usage(script.usage().promptTokens(), script.usage().completionTokens()));
        return root;
    }

    @Override
    public List<Frame> renderStream(SimRequest request, Script script) {
        List<Frame> frames = new ArrayList<>();
        ObjectNode start = messageEnvelope(request, script);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        start.set("usage", usage(script.usage().promptTokens(), 1));
        frames.add(Frame.unpaced(event("message_start", SimJson.object().set("message", start))));
        if (script instanceof Script.ToolCalls calls) {
            for (int index = 0; index < calls.calls().size(); index++) {
                ToolCall call = calls.calls().get(index);
                ObjectNode block = SimJson.object().put("type", "tool_use").put("id", "toolu_" + call.idSuffix())
                        .put("name", call.name());
                block.putObject("input");
                frames.add(Frame.unpaced(blockStart(index, block)));
                if (index == 0) {
                    frames.add(Frame.unpaced(event("ping", SimJson.object())));
                }
                // Anthropic opens argument streaming with an empty fragment.
                frames.add(Frame.unpaced(blockDelta(index, jsonDelta(""))));
                for (String fragment : call.fragments()) {
                    frames.add(Frame.paced(blockDelta(index, jsonDelta(fragment))));
                }
                frames.add(Frame.unpaced(event("content_block_stop", SimJson.object().put("index", index))));
            }
        } else {
            frames.add(Frame.unpaced(blockStart(0, SimJson.object().put("type", "text").put("text", ""))));
            frames.add(Frame.unpaced(event("ping", SimJson.object())));
            for (String token : ((Script.Text) script).tokens()) {
                frames.add(Frame.paced(blockDelta(0, SimJson.object().put("type", "text_delta").put("text", token))));
            }
            frames.add(Frame.unpaced(event("content_block_stop", SimJson.object().put("index", 0))));
        }
        ObjectNode messageDelta = SimJson.object();
        messageDelta.putObject("delta").put("stop_reason", stopReason(script.finish())).putNull("stop_sequence");
        messageDelta.set("usage", usage(script.usage().promptTokens(), script.usage().completionTokens()));
        frames.add(Frame.unpaced(event("message_delta", messageDelta)));
        frames.add(Frame.unpaced(event("message_stop", SimJson.object())));
        return frames;
    }

    @Override
    public List<Frame> abortFrames() {
        ObjectNode error = SimJson.object();
        error.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
        return List.of(Frame.unpaced(event("error", error)));
    }

    private static ObjectNode messageEnvelope(SimRequest request, Script script) {
        return SimJson.object().put("id", "msg_" + script.id()).put("type", "message").put("role", "assistant")
                .put("model", request.model());
    }

    private static ObjectNode jsonDelta(String partial) {
        return SimJson.object().put("type", "input_json_delta").put("partial_json", partial);
    }

    private static String blockStart(int index, ObjectNode block) {
        ObjectNode data = SimJson.object().put("index", index);
        data.set("content_block", block);
        return event("content_block_start", data);
    }

    private static String blockDelta(int index, ObjectNode delta) {
        ObjectNode data = SimJson.object().put("index", index);
        data.set("delta", delta);
        return event("content_block_delta", data);
    }

    /** The data object repeats the event name as {@code type}, as Anthropic's frames do. */
    private static String event(String type, ObjectNode data) {
        ObjectNode typed = SimJson.object().put("type", type);
        typed.setAll(data);
        return "event: " + type + "\ndata: " + SimJson.write(typed) + "\n\n";
    }

    private static ObjectNode usage(int input, int output) {
        return SimJson.object().put("input_tokens", input).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0).put("output_tokens", output);
    }

    private static String stopReason(Script.Finish finish) {
        return switch (finish) {
            case STOP -> "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
        };
    }

    @Override
    public HttpResponse renderError(SimError error) {
        int status;
        String type;
        switch (error.kind()) {
            case UNAUTHENTICATED -> { status = 401; type = "authentication_error"; }
            case NOT_FOUND -> { status = 404; type = "not_found_error"; }
            case RATE_LIMITED -> { status = 429; type = "rate_limit_error"; }
            case SERVER_ERROR -> { status = 500; type = "api_error"; }
            case OVERLOADED -> { status = 529; type = "overloaded_error"; }
            default -> { status = 400; type = "invalid_request_error"; }
        }
        String requestId = "req_sim" + Long.toHexString(System.nanoTime());
        ObjectNode body = SimJson.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", error.message());
        body.put("request_id", requestId);
        if (error.kind() == SimError.Kind.RATE_LIMITED) {
            return JsonResponse.of(status, body, "request-id", requestId,
                    "retry-after", Long.toString(error.retryAfterSeconds()));
        }
        return JsonResponse.of(status, body, "request-id", requestId);
    }
}
