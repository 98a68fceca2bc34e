package io.hedgerow.providers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaultsSimTest {

    private static ActorTestKit kit;
    private static SimServer fast;
    private static SimServer slow;
    private static SimClient fastClient;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        fast = SimFixture.start(kit, SimFixture.quick("fast", ""));
        slow = SimFixture.start(kit, SimFixture.quick("slow", ""));
        fastClient = new SimClient(fast.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        SimFixture.shutdown(kit);
    }

    private static String chat(String userText, boolean stream) {
        return "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + userText + "\"}]}";
    }

    private static CompletionStage<HttpResponse> pekkoPost(SimServer sim, String body, String... headers) {
        HttpRequest request = HttpRequest.POST(sim.baseUrl() + "/v1/chat/completions")
                .withEntity(ContentTypes.APPLICATION_JSON, body);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request = request.addHeader(RawHeader.create(headers[i], headers[i + 1]));
        }
        return Http.get(kit.system()).singleRequest(request);
    }

    private static void eventually(Runnable assertion) {
        kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
            assertion.run();
            return null;
        });
    }

    @Test
    void rateLimitByHeaderIs429WithRetryAfterSeconds() throws Exception {
        SimClient.Reply reply = fastClient.post("/v1/chat/completions", chat("hi", false), "x-sim-fault", "rate-limit");
        assertEquals(429, reply.status());
        assertEquals("1", reply.header("retry-after"));
        assertEquals("rate_limit_exceeded", reply.json().path("error").path("code").asText());
    }

    @Test
    void rateLimitByDirectiveAlsoAppliesToStreams() throws Exception {
        SimClient.Reply reply = fastClient.post("/v1/chat/completions", chat("sim:fault=rate-limit", true));
        assertEquals(429, reply.status());
        assertEquals("1", reply.header("retry-after"));
    }

    @Test
    void serverErrorAndOverloadAre500And503InOpenAiShape() throws Exception {
        SimClient.Reply error = fastClient.post("/v1/chat/completions", chat("sim:fault=server-error", false));
        assertEquals(500, error.status());
        assertEquals("server_error", error.json().path("error").path("type").asText());
        SimClient.Reply overloaded = fastClient.post("/v1/chat/completions", chat("hi", true), "x-sim-fault", "overloaded");
        assertEquals(503, overloaded.status());
    }

    @Test
    void resetClosesTheConnectionWithoutAResponse() {
        for (String[] forcing : new String[][] {{"sim:fault=reset", "x-sim-none", "1"}, {"hi", "x-sim-fault", "reset"}}) {
            ExecutionException failure = assertThrows(ExecutionException.class, () ->
                    pekkoPost(fast, chat(forcing[0], false), forcing[1], forcing[2]).toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertTrue(failure.getCause().getMessage().toLowerCase().contains("connection"), failure.getCause().toString());
        }
    }

    @Test
    void abortMidStreamOnAPlainRequestDropsTheConnection() {
        assertThrows(ExecutionException.class, () -> pekkoPost(fast, chat("sim:fault=abort-mid-stream", false))
                .toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void hangOnAPlainRequestNeverAnswers() {
        HttpTimeoutException timeout = assertThrows(HttpTimeoutException.class, () ->
                fastClient.postWithin(Duration.ofMillis(300), "/v1/chat/completions", chat("sim:fault=hang", false)));
        assertTrue(timeout.getMessage().contains("timed out"));
    }

    @Test
    void hangOnAStreamSendsHeadersButNoFirstByteAndCountsTheClientLeaving() throws Exception {
        long cancelledBefore = fast.counters().streamsCancelled();
        HttpResponse response = pekkoPost(fast, chat("hi", true), "x-sim-fault", "hang").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(200, response.status().intValue());
        ExecutionException noByte = assertThrows(ExecutionException.class, () -> response.entity().getDataBytes()
                .idleTimeout(Duration.ofMillis(300))
                .runWith(Sink.head(), kit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, noByte.getCause());
        eventually(() -> assertEquals(cancelledBefore + 1, fast.counters().streamsCancelled()));
    }

    @Test
    void abortMidStreamCutsTheStreamAfterSomeTokensWithoutDone() throws Exception {
        long abortedBefore = fast.counters().streamsAborted();
        HttpResponse response = pekkoPost(fast, chat("sim:fault=abort-mid-stream sim:tokens=10", true))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(200, response.status().intValue());
        StringBuilder received = new StringBuilder();
        ExecutionException cut = assertThrows(ExecutionException.class, () -> response.entity().getDataBytes()
                .runWith(Sink.foreach(bytes -> received.append(bytes.utf8String())), kit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertFalse(cut.getCause() instanceof TimeoutException);
        String text = received.toString();
        assertTrue(text.contains("\"content\":\"fast\""), "the first tokens arrived: " + text);
        assertEquals(5, text.split("\"delta\":\\{\"content\":").length - 1, "half of the 10 tokens arrived: " + text);
        assertFalse(text.contains("[DONE]"));
        eventually(() -> assertEquals(abortedBefore + 1, fast.counters().streamsAborted()));
    }

    @Test
    void clientCancellingMidStreamIsCountedAsCancelledNotCompleted() throws Exception {
        long cancelledBefore = slow.counters().streamsCancelled();
        long completedBefore = slow.counters().streamsCompleted();
        HttpResponse response = pekkoPost(slow, chat("sim:tokens=200 sim:inter-token-ms=20", true))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        ByteString first = response.entity().getDataBytes().runWith(Sink.head(), kit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(first.utf8String().startsWith("data: "));
        eventually(() -> assertEquals(cancelledBefore + 1, slow.counters().streamsCancelled()));
        assertEquals(completedBefore, slow.counters().streamsCompleted());
    }

    @Test
    void completedStreamsAreCounted() throws Exception {
        long before = fast.counters().streamsCompleted();
        assertEquals(200, fastClient.post("/v1/chat/completions", chat("hi", true)).status());
        eventually(() -> assertEquals(before + 1, fast.counters().streamsCompleted()));
    }

    @Test
    void instanceScopedDirectiveAppliesOnlyToTheNamedInstance() throws Exception {
        String body = chat("sim:fault=server-error sim@fast:fault=none sim@slow:ttft-ms=400", false);
        SimClient slowClient = new SimClient(slow.baseUrl());
        assertEquals(200, fastClient.post("/v1/chat/completions", body).status());
        long started = System.nanoTime();
        SimClient.Reply slowReply = slowClient.post("/v1/chat/completions",
                chat("sim@slow:ttft-ms=400 sim@fast:ttft-ms=1", false));
        assertEquals(200, slowReply.status());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 400, "slow honoured its own ttft");
        assertEquals(500, slowClient.post("/v1/chat/completions", body).status());
    }

    @Test
    void randomFaultsFollowTheSettingsUnlessForcedOff() throws Exception {
        SimServer flaky = SimFixture.start(kit, SimFixture.quick("flaky", "faults.rate-limit = 1.0, faults.retry-after = 3s"));
        try {
            SimClient client = new SimClient(flaky.baseUrl());
            SimClient.Reply limited = client.post("/v1/chat/completions", chat("hi", false));
            assertEquals(429, limited.status());
            assertEquals("3", limited.header("retry-after"));
            assertEquals(200, client.post("/v1/chat/completions", chat("hi", false), "x-sim-fault", "none").status());
            assertEquals(1, flaky.counters().faults(Fault.RATE_LIMIT));
        } finally {
            flaky.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
