package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordingSimTest {

    private static ActorTestKit kit;
    private static SimServer sim;
    private static SimClient client;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        sim = SimFixture.start(kit, SimFixture.quick("rec", ""));
        client = new SimClient(sim.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        SimFixture.shutdown(kit);
    }

    @Test
    void requestsAreRecordedWithLowerCaseHeadersAndServedOverHttp() throws Exception {
        sim.clearRecorded();
        String body = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
        client.post("/v1beta/models/g:streamGenerateContent?alt=sse", body, "X-Goog-Api-Key", "secret");

        List<RecordedRequest> recorded = sim.recorded();
        assertEquals(1, recorded.size());
        RecordedRequest request = recorded.get(0);
        assertEquals("POST", request.method());
        assertEquals("/v1beta/models/g:streamGenerateContent", request.path());
        assertEquals("alt=sse", request.query());
        assertEquals("secret", request.headers().get("x-goog-api-key"));
        assertEquals(body, request.body());

        JsonNode overHttp = client.get("/_sim/requests").json();
        assertEquals(1, overHttp.size(), "introspection requests are not recorded");
        assertEquals("alt=sse", overHttp.get(0).path("query").asText());
        JsonNode counters = client.get("/_sim/counters").json();
        assertTrue(counters.path("requestsReceived").asLong() >= 1);
        assertTrue(counters.has("streamsCancelled"));

        sim.clearRecorded();
        assertTrue(sim.recorded().isEmpty());
    }

    @Test
    void onlyTheLatest200RequestsAreKept() throws Exception {
        RequestLog log = new RequestLog();
        for (int i = 0; i < 250; i++) {
            log.add(new RecordedRequest("GET", "/" + i, "", Map.of(), ""));
        }
        List<RecordedRequest> kept = log.snapshot();
        assertEquals(200, kept.size());
        assertEquals("/50", kept.get(0).path());
        assertEquals("/249", kept.get(199).path());
    }

    @Test
    void unknownPathsAre404() throws Exception {
        assertEquals(404, client.get("/v2/nothing").status());
    }
}
