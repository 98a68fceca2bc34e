package io.hedgerow.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Failover under faults: plain and streamed chat at a fixed arrival rate against a route whose first
 * provider is dead and whose second is flaky (server errors, 429s, overloads, dropped connections, a few
 * hangs), with a healthy one last (see {@code load-tests/bench/sims.conf} and {@code gateway.conf}, model
 * {@code failover}). Failover must hide every fault: zero KO is required.
 *
 * <p>Properties: {@code gateway.baseUrl} (http://127.0.0.1:8080), {@code model} (failover), {@code rate}
 * (requests per second per scenario, 10), {@code duration} (seconds, 30), {@code tokens} (8),
 * {@code timeout} (seconds per stream, 30).
 */
public class FailoverSimulation extends Simulation {
  private static final String MODEL = LoadParams.model("failover");
  private static final double RATE = LoadParams.dbl("rate", 10);
  private static final Duration DURATION = LoadParams.seconds("duration", 30);
  private static final int TOKENS = LoadParams.integer("tokens", 8);
  private static final Duration TIMEOUT = LoadParams.seconds("timeout", 30);

  private final ScenarioBuilder plain = scenario("plain chat (failover)").exec(
      http("chat").post("/v1/chat/completions").body(StringBody(LoadParams.chatBody(MODEL, false, TOKENS)))
          .check(status().is(200), jsonPath("$.choices[0].message.content").exists()));

  private final ScenarioBuilder streaming =
      StreamingChatSimulation.streamingScenario("streaming chat (failover)", MODEL, TOKENS, TIMEOUT);

  {
    setUp(
        plain.injectOpen(constantUsersPerSec(RATE).during(DURATION)),
        streaming.injectOpen(constantUsersPerSec(RATE).during(DURATION)))
        .protocols(http.baseUrl(LoadParams.BASE_URL).contentTypeHeader("application/json")
            .acceptHeader("application/json, text/event-stream"))
        .assertions(
            global().failedRequests().count().is(0L),
            details("stream").failedRequests().count().is(0L));
  }
}
