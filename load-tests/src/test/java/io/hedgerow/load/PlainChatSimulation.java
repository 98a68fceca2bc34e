package io.hedgerow.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Plain (non-streamed) chat completions at a fixed arrival rate (Gatling's open model, so a slow gateway
 * does not slow the arrivals down). Every request must be a 200 with a message.
 *
 * <p>Properties: {@code gateway.baseUrl} (http://127.0.0.1:8080), {@code model} (chat), {@code rate}
 * (requests per second, 50), {@code duration} (seconds, 30), {@code warmup} (seconds of ramp from 1 to
 * {@code rate} first, 5), {@code tokens} (sim:tokens directive, 16; 0 = none).
 */
public class PlainChatSimulation extends Simulation {
  private static final String MODEL = LoadParams.model("chat");
  private static final double RATE = LoadParams.dbl("rate", 50);
  private static final Duration DURATION = LoadParams.seconds("duration", 30);
  private static final Duration WARMUP = LoadParams.seconds("warmup", 5);
  private static final int TOKENS = LoadParams.integer("tokens", 16);

  private final ScenarioBuilder plain = scenario("plain chat").exec(
      http("chat").post("/v1/chat/completions").body(StringBody(LoadParams.chatBody(MODEL, false, TOKENS)))
          .check(status().is(200),
              jsonPath("$.object").is("chat.completion"),
              jsonPath("$.choices[0].message.content").exists()));

  {
    setUp(plain.injectOpen(
            rampUsersPerSec(1).to(RATE).during(WARMUP),
            constantUsersPerSec(RATE).during(DURATION)))
        .protocols(http.baseUrl(LoadParams.BASE_URL).contentTypeHeader("application/json")
            .acceptHeader("application/json").shareConnections())
        .assertions(global().failedRequests().count().is(0L));
  }
}
