package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeminiSimTest {

    private static final String[] KEY = {"x-goog-api-key", "AIza-sim"};
    private static final String GENERATE = "/v1beta/models/gemini-sim:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-sim:streamGenerateContent?alt=sse";
    private static final String TOOLS = """
            "tools":[{"functionDeclarations":[{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"},"n":{"type":"number"}}}}]}]""";

    private static ActorTestKit kit;
    private static SimClient client;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        client = new SimClient(SimFixture.start(kit, SimFixture.quick("gem", "")).baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        SimFixture.shutdown(kit);
    }

    private static String contents(String extra, String userText) {
        return "{\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]},\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\""
                + userText + "\"}]}]" + extra + "}";
    }

    @Test
    void missingApiKeyIsInvalidArgumentWithApiKeyInvalidReason() throws Exception {
        SimClient.Reply reply = client.post(GENERATE, contents("", "hi"));
        assertEquals(400, reply.status());
        JsonNode error = reply.json().path("error");
        assertEquals(400, error.path("code").asInt());
        assertEquals("INVALID_ARGUMENT", error.path("status").asText());
        assertEquals("API_KEY_INVALID", error.path("details").get(0).path("reason").asText());
    }

    @Test
    void plainAnswerHasCandidateTextStopAndUsageMetadata() throws Exception {
        JsonNode body = client.post(GENERATE, contents("", "hello world"), KEY).json();
        JsonNode candidate = body.path("candidates").get(0);
        assertEquals("model", candidate.path("content").path("role").asText());
        assertTrue(candidate.path("content").path("parts").get(0).path("text").asText().startsWith("gem "));
        assertEquals("STOP", candidate.path("finishReason").asText());
        assertEquals(4, body.path("usageMetadata").path("promptTokenCount").asInt());
        assertEquals(8, body.path("usageMetadata").path("candidatesTokenCount").asInt());
        assertEquals(12, body.path("usageMetadata").path("totalTokenCount").asInt());
        assertEquals("gemini-sim", body.path("modelVersion").asText());
    }

    @Test
    void streamFramesEndInCrlfCarryRunningUsageAndNoDone() throws Exception {
        SimClient.Reply reply = client.post(STREAM, contents("", "sim:tokens=4 hi"), KEY);
        assertEquals(200, reply.status());
        assertTrue(reply.body().endsWith("\r\n\r\n"));
        assertFalse(reply.body().contains("[DONE]"));
        List<JsonNode> frames = SimClient.dataPayloads(SimClient.frames(reply.body(), "\r\n\r\n"));
        assertEquals(4, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            JsonNode candidate = frames.get(i).path("candidates").get(0);
            assertEquals(i == 3, candidate.has("finishReason"), "finishReason only on the last frame");
            assertEquals(i + 1, frames.get(i).path("usageMetadata").path("candidatesTokenCount").asInt());
        }
        assertEquals("STOP", frames.get(3).path("candidates").get(0).path("finishReason").asText());
    }

    @Test
    void streamWithoutAltSseIsRejected() throws Exception {
        SimClient.Reply reply = client.post("/v1beta/models/g:streamGenerateContent", contents("", "hi"), KEY);
        assertEquals(400, reply.status());
    }

    @Test
    void functionCallsArriveWholeWithArgsObjectsAndNoIds() throws Exception {
        SimClient.Reply reply = client.post(STREAM, contents("," + TOOLS, "sim:tool-calls=2 find"), KEY);
        List<JsonNode> frames = SimClient.dataPayloads(SimClient.frames(reply.body(), "\r\n\r\n"));
        assertEquals(2, frames.size());
        JsonNode first = frames.get(0).path("candidates").get(0).path("content").path("parts").get(0).path("functionCall");
        JsonNode second = frames.get(1).path("candidates").get(0).path("content").path("parts").get(0).path("functionCall");
        assertEquals("lookup", first.path("name").asText());
        assertFalse(first.has("id"));
        assertEquals("sim-q", first.path("args").path("q").asText());
        assertEquals("sim-q-2", second.path("args").path("q").asText());
        assertEquals("STOP", frames.get(1).path("candidates").get(0).path("finishReason").asText());
    }

    @Test
    void functionResponseTurnIsAnsweredWithText() throws Exception {
        String body = "{" + TOOLS + ",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"find\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"lookup\",\"args\":{}}}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"lookup\",\"response\":{\"r\":1}}}]}]}";
        JsonNode parts = client.post(GENERATE, body, KEY).json().path("candidates").get(0).path("content").path("parts");
        assertTrue(parts.get(0).has("text"));
    }

    @Test
    void rateLimitCarriesRetryInfoAndOverloadIsUnavailable() throws Exception {
        SimClient.Reply limited = client.post(GENERATE, contents("", "sim:fault=rate-limit"), KEY);
        assertEquals(429, limited.status());
        JsonNode error = limited.json().path("error");
        assertEquals("RESOURCE_EXHAUSTED", error.path("status").asText());
        assertEquals("type.googleapis.com/google.rpc.RetryInfo", error.path("details").get(0).path("@type").asText());
        assertEquals("1s", error.path("details").get(0).path("retryDelay").asText());

        SimClient.Reply overloaded = client.post(STREAM, contents("", "sim:fault=overloaded"), KEY);
        assertEquals(503, overloaded.status());
        assertEquals("UNAVAILABLE", overloaded.json().path("error").path("status").asText());
    }

    @Test
    void batchEmbedContentsReturnsOneVectorPerRequest() throws Exception {
        String body = "{\"requests\":[{\"model\":\"models/e\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                + "{\"model\":\"models/e\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}";
        JsonNode embeddings = client.post("/v1beta/models/e:batchEmbedContents", body, KEY).json().path("embeddings");
        assertEquals(2, embeddings.size());
        assertEquals(8, embeddings.get(0).path("values").size());
    }
}
