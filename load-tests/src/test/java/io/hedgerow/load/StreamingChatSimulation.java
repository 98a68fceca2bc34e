package io.hedgerow.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.SseMessageCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Streamed chat completions (SSE) at a fixed arrival rate. Per stream:
 *
 * <ul>
 *   <li>{@code first chunk}: the first event must be a {@code chat.completion.chunk}. Hedgerow sends its
 *       response headers only together with the first token (so failover can still change the status), so
 *       the time to first chunk is the {@code chat stream} row (request to headers); the {@code first chunk}
 *       row adds the time from headers to the first event (about 0 through Hedgerow; not 0 through a proxy
 *       that sends headers early);</li>
 *   <li>{@code [DONE]}: the stream must end with {@code data: [DONE]} within {@code timeout};</li>
 *   <li>chunk count: the {@code tokens} events from the first on must all be chunks (one per text token
 *       the simulator was told to send with {@code sim:tokens=N}); a stream that ends early fails a
 *       {@code chunk} check. Each {@code chunk} row's response time is the gap since the previous chunk
 *       (inter-token latency).</li>
 * </ul>
 *
 * <p>Properties: {@code gateway.baseUrl} (http://127.0.0.1:8080), {@code model} (chat), {@code rate}
 * (streams per second, 20), {@code duration} (seconds, 30), {@code warmup} (5), {@code tokens} (16; 0 = no
 * directive, then at least 1 chunk), {@code timeout} (seconds per stream, 30).
 */
public class StreamingChatSimulation extends Simulation {
  static final String MODEL = LoadParams.model("chat");
  static final double RATE = LoadParams.dbl("rate", 20);
  static final Duration DURATION = LoadParams.seconds("duration", 30);
  static final Duration WARMUP = LoadParams.seconds("warmup", 5);
  static final int TOKENS = LoadParams.integer("tokens", 16);
  static final Duration TIMEOUT = LoadParams.seconds("timeout", 30);

  /** One streamed chat completion with the checks above, inside the group "stream". */
  static ScenarioBuilder streamingScenario(String name, String model, int tokens, Duration timeout) {
    // A check applies to the next event unless it filters with matching(): first chunk, then one "chunk"
    // check per further expected chunk (a stream that ends early fails one of them, since [DONE] is no
    // chunk), then [DONE], skipping whatever comes between (the finish_reason and usage chunks).
    List<SseMessageCheck> checks = new ArrayList<>();
    checks.add(sse.checkMessage("first chunk").check(substring("chat.completion.chunk")));
    for (int i = 1; i < tokens; i++) {
      checks.add(sse.checkMessage("chunk").check(substring("chat.completion.chunk")));
    }
    checks.add(sse.checkMessage("[DONE]").matching(substring("[DONE]")).check(substring("[DONE]")));
    return scenario(name).group("stream").on(
        exec(sse("chat stream").post("/v1/chat/completions")
            .body(StringBody(LoadParams.chatBody(model, true, tokens)))
            .await(timeout).on(checks.toArray(new SseMessageCheck[0])))
        .exec(sse("close stream").close()));
  }

  {
    setUp(streamingScenario("streaming chat", MODEL, TOKENS, TIMEOUT).injectOpen(
            rampUsersPerSec(1).to(RATE).during(WARMUP),
            constantUsersPerSec(RATE).during(DURATION)))
        .protocols(http.baseUrl(LoadParams.BASE_URL).contentTypeHeader("application/json")
            .acceptHeader("text/event-stream"))
        .assertions(
            global().failedRequests().count().is(0L),
            details("stream").failedRequests().count().is(0L));
  }
}
