package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnthropicSimTest {

    private static final String[] KEYS = {"x-api-key", "sk-ant-sim", "anthropic-version", "2023-06-01"};
    private static final String TOOLS = """
            "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string"}}}}]""";

    private static ActorTestKit kit;
    private static SimServer sim;
    private static SimClient client;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        sim = SimFixture.start(kit, SimFixture.quick("claude-ish", ""));
        client = new SimClient(sim.baseUrl());
    }

    private static HttpResponse pekkoPost(String body) throws Exception {
        HttpRequest request = HttpRequest.POST(sim.baseUrl() + "/v1/messages")
                .withEntity(ContentTypes.APPLICATION_JSON, body)
                .addHeader(RawHeader.create(KEYS[0], KEYS[1]))
                .addHeader(RawHeader.create(KEYS[2], KEYS[3]));
        return Http.get(kit.system()).singleRequest(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        SimFixture.shutdown(kit);
    }

    private static String messages(String extra, String userText) {
        return "{\"model\":\"claude-sim\",\"max_tokens\":100,\"system\":\"be brief\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + userText + "\"}]" + extra + "}";
    }

    /** (event name, data JSON) pairs of an Anthropic stream. */
    private static List<String[]> events(String body) {
        List<String[]> out = new ArrayList<>();
        for (String frame : SimClient.frames(body, "\n\n")) {
            String[] lines = frame.split("\n");
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), frame);
            out.add(new String[] {lines[0].substring(7), lines[1].substring(6)});
        }
        return out;
    }

    @Test
    void missingApiKeyIsAnAuthenticationErrorInAnthropicShape() throws Exception {
        SimClient.Reply reply = client.post("/v1/messages", messages("", "hi"), "anthropic-version", "2023-06-01");
        assertEquals(401, reply.status());
        JsonNode body = reply.json();
        assertEquals("error", body.path("type").asText());
        assertEquals("authentication_error", body.path("error").path("type").asText());
        assertTrue(body.path("request_id").asText().startsWith("req_"));
    }

    @Test
    void missingMaxTokensIsRejectedAsTheRealApiDoes() throws Exception {
        SimClient.Reply reply = client.post("/v1/messages",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", KEYS);
        assertEquals(400, reply.status());
        assertEquals("invalid_request_error", reply.json().path("error").path("type").asText());
    }

    @Test
    void plainMessageHasTextEndTurnAndUsage() throws Exception {
        JsonNode body = client.post("/v1/messages", messages("", "hello there"), KEYS).json();
        assertEquals("message", body.path("type").asText());
        assertTrue(body.path("id").asText().startsWith("msg_"));
        assertEquals("text", body.path("content").get(0).path("type").asText());
        assertTrue(body.path("content").get(0).path("text").asText().startsWith("claude-ish "));
        assertEquals("end_turn", body.path("stop_reason").asText());
        assertEquals(4, body.path("usage").path("input_tokens").asInt());
        assertEquals(8, body.path("usage").path("output_tokens").asInt());
        assertEquals(0, body.path("usage").path("cache_read_input_tokens").asInt());
    }

    @Test
    void streamEventsComeInTheDocumentedOrder() throws Exception {
        SimClient.Reply reply = client.post("/v1/messages", messages(",\"stream\":true", "sim:tokens=3 hi"), KEYS);
        assertEquals(200, reply.status());
        List<String[]> events = events(reply.body());
        List<String> names = events.stream().map(e -> e[0]).toList();
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop"), names);
        for (String[] event : events) {
            assertEquals(event[0], SimClient.JSON.readTree(event[1]).path("type").asText());
        }
        JsonNode start = SimClient.JSON.readTree(events.get(0)[1]).path("message");
        assertEquals(1, start.path("usage").path("output_tokens").asInt());
        JsonNode delta = SimClient.JSON.readTree(events.get(7)[1]);
        assertEquals("end_turn", delta.path("delta").path("stop_reason").asText());
        assertEquals(3, delta.path("usage").path("output_tokens").asInt());
        assertFalse(reply.body().contains("[DONE]"));
    }

    @Test
    void toolUseStreamsInputJsonFragmentsStartingWithAnEmptyOne() throws Exception {
        SimClient.Reply reply = client.post("/v1/messages", messages("," + TOOLS + ",\"stream\":true", "weather?"), KEYS);
        List<String[]> events = events(reply.body());
        JsonNode blockStart = SimClient.JSON.readTree(events.get(1)[1]).path("content_block");
        assertEquals("tool_use", blockStart.path("type").asText());
        assertTrue(blockStart.path("id").asText().startsWith("toolu_"));
        List<String> partials = new ArrayList<>();
        for (String[] event : events) {
            JsonNode data = SimClient.JSON.readTree(event[1]);
            if (data.path("delta").path("type").asText().equals("input_json_delta")) {
                partials.add(data.path("delta").path("partial_json").asText());
            }
        }
        assertEquals("", partials.get(0));
        assertTrue(partials.size() > 3);
        JsonNode input = SimClient.JSON.readTree(String.join("", partials));
        assertEquals("sim-location", input.path("location").asText());
        String stop = events.stream().filter(e -> e[0].equals("message_delta")).findFirst().orElseThrow()[1];
        assertEquals("tool_use", SimClient.JSON.readTree(stop).path("delta").path("stop_reason").asText());
    }

    @Test
    void toolResultTurnIsAnsweredWithText() throws Exception {
        String body = "{\"model\":\"m\",\"max_tokens\":50," + TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"}]}]}";
        JsonNode reply = client.post("/v1/messages", body, KEYS).json();
        assertEquals("end_turn", reply.path("stop_reason").asText());
        assertEquals("text", reply.path("content").get(0).path("type").asText());
    }

    @Test
    void overloadIsStatus529WithOverloadedError() throws Exception {
        SimClient.Reply reply = client.post("/v1/messages", messages("", "sim:fault=overloaded"), KEYS);
        assertEquals(529, reply.status());
        assertEquals("overloaded_error", reply.json().path("error").path("type").asText());
    }

    @Test
    void pekkoClientSeesTheNonStandard529Status() throws Exception {
        HttpResponse response = pekkoPost(messages("", "sim:fault=overloaded"));
        assertEquals(529, response.status().intValue());
        String body = response.entity().toStrict(5_000, kit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS)
                .getData().utf8String();
        assertTrue(body.contains("overloaded_error"));
    }

    @Test
    void abortMidStreamSendsAnOverloadedErrorEventThenCutsTheConnection() throws Exception {
        HttpResponse response = pekkoPost(messages(",\"stream\":true", "sim:fault=abort-mid-stream sim:tokens=6"));
        assertEquals(200, response.status().intValue());
        StringBuilder received = new StringBuilder();
        assertThrows(ExecutionException.class, () -> response.entity().getDataBytes()
                .runWith(Sink.foreach(bytes -> received.append(bytes.utf8String())), kit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS));
        String text = received.toString();
        assertTrue(text.contains("event: content_block_delta"), text);
        assertTrue(text.contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""), text);
        assertFalse(text.contains("message_stop"));
    }

    @Test
    void rateLimitIs429WithRetryAfter() throws Exception {
        SimClient.Reply reply = client.post("/v1/messages", messages("", "hi"),
                "x-api-key", "k", "anthropic-version", "2023-06-01", "x-sim-fault", "rate-limit");
        assertEquals(429, reply.status());
        assertEquals("rate_limit_error", reply.json().path("error").path("type").asText());
        assertEquals("1", reply.header("retry-after"));
    }
}
