package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenAiSimTest {

    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
              "properties":{"location":{"type":"string"},"days":{"type":"integer"},"metric":{"type":"boolean"}}}}},
             {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}]""";

    private static ActorTestKit kit;
    private static SimServer sim;
    private static SimClient client;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        sim = SimFixture.start(kit, SimFixture.quick("alpha", ""));
        client = new SimClient(sim.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        SimFixture.shutdown(kit);
    }

    private static String chat(String extra, String userText) {
        return "{\"model\":\"gpt-sim\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"" + userText + "\"}]" + extra + "}";
    }

    @Test
    void plainCompletionAnswersTextLedByInstanceNameWithUsage() throws Exception {
        SimClient.Reply reply = client.post("/v1/chat/completions", chat("", "hello there friend"));
        assertEquals(200, reply.status());
        JsonNode body = reply.json();
        assertEquals("chat.completion", body.path("object").asText());
        assertEquals("gpt-sim", body.path("model").asText());
        JsonNode choice = body.path("choices").get(0);
        assertTrue(choice.path("message").path("content").asText().startsWith("alpha "));
        assertEquals("stop", choice.path("finish_reason").asText());
        assertEquals(5, body.path("usage").path("prompt_tokens").asInt());
        assertEquals(8, body.path("usage").path("completion_tokens").asInt());
        assertEquals(13, body.path("usage").path("total_tokens").asInt());
    }

    @Test
    void streamSendsRoleThenTokensThenOneFinishThenDone() throws Exception {
        SimClient.Reply reply = client.post("/v1/chat/completions", chat(",\"stream\":true", "sim:tokens=5 hi"));
        assertEquals(200, reply.status());
        assertTrue(reply.header("content-type").startsWith("text/event-stream"));
        List<String> frames = SimClient.frames(reply.body(), "\n\n");
        assertEquals("data: [DONE]", frames.get(frames.size() - 1));
        assertFalse(reply.body().contains("\r\n"));
        List<JsonNode> chunks = SimClient.dataPayloads(frames);
        assertEquals("assistant", chunks.get(0).path("choices").get(0).path("delta").path("role").asText());
        assertEquals(1, chunks.stream().map(c -> c.path("choices").get(0).path("finish_reason"))
                .filter(f -> !f.isNull()).count());
        assertEquals("stop", chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText());
        String text = chunks.stream().map(c -> c.path("choices").get(0).path("delta").path("content").asText(""))
                .collect(Collectors.joining());
        assertEquals(5, text.split(" ").length);
        assertEquals(1, chunks.stream().map(c -> c.path("id").asText()).distinct().count());
        assertTrue(chunks.stream().noneMatch(c -> c.has("usage")), "no usage without include_usage");
    }

    @Test
    void includeUsageAddsALastChunkWithEmptyChoicesAndNullUsageElsewhere() throws Exception {
        SimClient.Reply reply = client.post("/v1/chat/completions",
                chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}", "one two"));
        List<JsonNode> chunks = SimClient.dataPayloads(SimClient.frames(reply.body(), "\n\n"));
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals(0, last.path("choices").size());
        assertEquals(8, last.path("usage").path("completion_tokens").asInt());
        assertEquals(4, last.path("usage").path("prompt_tokens").asInt());
        chunks.subList(0, chunks.size() - 1).forEach(c -> assertTrue(c.path("usage").isNull()));
    }

    @Test
    void parallelToolCallsStreamAsFragmentsThatReassembleToJson() throws Exception {
        SimClient.Reply reply = client.post("/v1/chat/completions", chat("," + TOOLS + ",\"stream\":true", "sim:tool-calls=2 go"));
        List<JsonNode> chunks = SimClient.dataPayloads(SimClient.frames(reply.body(), "\n\n"));
        Map<Integer, StringBuilder> arguments = new TreeMap<>();
        Map<Integer, JsonNode> starts = new TreeMap<>();
        int fragments = 0;
        for (JsonNode chunk : chunks) {
            for (JsonNode call : chunk.path("choices").get(0).path("delta").path("tool_calls")) {
                int index = call.path("index").asInt();
                if (call.has("id")) {
                    starts.put(index, call);
                    assertEquals("", call.path("function").path("arguments").asText());
                } else {
                    fragments++;
                }
                arguments.computeIfAbsent(index, i -> new StringBuilder()).append(call.path("function").path("arguments").asText());
            }
        }
        assertEquals(List.of(0, 1), List.copyOf(starts.keySet()));
        assertTrue(starts.get(0).path("id").asText().startsWith("call_"));
        assertNotEquals(starts.get(0).path("id").asText(), starts.get(1).path("id").asText());
        assertEquals("function", starts.get(0).path("type").asText());
        assertEquals("get_weather", starts.get(0).path("function").path("name").asText());
        assertEquals("get_time", starts.get(1).path("function").path("name").asText());
        assertTrue(fragments > 4, "arguments are split into several fragments");
        JsonNode weather = SimClient.JSON.readTree(arguments.get(0).toString());
        assertEquals("sim-location", weather.path("location").asText());
        assertEquals(42, weather.path("days").asInt());
        assertTrue(weather.path("metric").asBoolean());
        assertEquals("sim-zone", SimClient.JSON.readTree(arguments.get(1).toString()).path("zone").asText());
        assertEquals("tool_calls", chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText());
    }

    @Test
    void forcedToolIsCalledAndAToolResultTurnEndsInText() throws Exception {
        String forced = "," + TOOLS + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}";
        JsonNode message = client.post("/v1/chat/completions", chat(forced, "what time")).json()
                .path("choices").get(0).path("message");
        assertTrue(message.path("content").isNull());
        JsonNode call = message.path("tool_calls").get(0);
        assertEquals("get_time", call.path("function").path("name").asText());
        assertEquals("sim-zone", SimClient.JSON.readTree(call.path("function").path("arguments").asText()).path("zone").asText());

        String roundTrip = "{\"model\":\"m\"," + TOOLS + ",\"messages\":[{\"role\":\"user\",\"content\":\"what time\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + call.path("id").asText() + "\",\"content\":\"noon\"}]}";
        JsonNode answer = client.post("/v1/chat/completions", roundTrip).json().path("choices").get(0);
        assertEquals("stop", answer.path("finish_reason").asText());
        assertTrue(answer.path("message").path("content").asText().startsWith("alpha"));
    }

    @Test
    void toolChoiceNoneAnswersText() throws Exception {
        JsonNode choice = client.post("/v1/chat/completions", chat("," + TOOLS + ",\"tool_choice\":\"none\"", "hi")).json()
                .path("choices").get(0);
        assertEquals("stop", choice.path("finish_reason").asText());
        assertFalse(choice.path("message").has("tool_calls"));
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
        JsonNode body = client.post("/v1/chat/completions", chat(",\"max_tokens\":3", "hi")).json();
        assertEquals("length", body.path("choices").get(0).path("finish_reason").asText());
        assertEquals(3, body.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void embeddingsAreDeterministicPerInput() throws Exception {
        JsonNode first = client.post("/v1/embeddings", "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}").json();
        JsonNode again = client.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"a\"}").json();
        assertEquals(2, first.path("data").size());
        assertEquals(8, first.path("data").get(0).path("embedding").size());
        assertEquals(first.path("data").get(0).path("embedding"), again.path("data").get(0).path("embedding"));
        assertNotEquals(first.path("data").get(0).path("embedding"), first.path("data").get(1).path("embedding"));
        assertEquals(1, first.path("data").get(1).path("index").asInt());
    }

    @Test
    void modelsAreListed() throws Exception {
        JsonNode body = client.get("/v1/models").json();
        assertEquals("list", body.path("object").asText());
        assertEquals("sim-alpha", body.path("data").get(0).path("id").asText());
    }

    @Test
    void requireAuthRefusesRequestsWithoutBearerToken() throws Exception {
        SimServer locked = SimFixture.start(kit, SimFixture.quick("locked", "require-auth = true"));
        try {
            SimClient lockedClient = new SimClient(locked.baseUrl());
            SimClient.Reply refused = lockedClient.post("/v1/chat/completions", chat("", "hi"));
            assertEquals(401, refused.status());
            assertEquals("invalid_api_key", refused.json().path("error").path("code").asText());
            assertTrue(refused.json().path("error").path("param").isNull());
            assertEquals(200, lockedClient.post("/v1/chat/completions", chat("", "hi"), "authorization", "Bearer sk-x").status());
        } finally {
            locked.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
