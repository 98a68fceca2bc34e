package io.hedgerow.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.incrementUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A staircase of plain chat arrival rates to find the knee: the rate where response times leave their
 * floor and requests start to fail. Read it from the report's "responses per second" and "response time
 * percentiles over time" charts. No assertion: failures past the knee are the point. A warm-up ramp from 1 to
 * {@code from} requests per second comes first: a gateway (and a Gatling, and a simulator) fresh from start
 * compiles its hot code during its first seconds, and at a full first level that put a cold start's
 * seconds-long latencies into the first step.
 *
 * <p>Properties: {@code gateway.baseUrl} (http://127.0.0.1:8080), {@code model} (chat), {@code from}
 * (requests per second of the first level, 50), {@code step} (added per level, 50), {@code levels} (10),
 * {@code level} (seconds per level, 10), {@code warmup} (seconds of the warm-up ramp, 10; 0 = none),
 * {@code tokens} (16; 0 = no directive), {@code timeout} (seconds per request, 10).
 */
public class RampSimulation extends Simulation {
  private static final String MODEL = LoadParams.model("chat");
  private static final double FROM = LoadParams.dbl("from", 50);
  private static final double STEP = LoadParams.dbl("step", 50);
  private static final int LEVELS = LoadParams.integer("levels", 10);
  private static final Duration LEVEL = LoadParams.seconds("level", 10);
  private static final Duration WARMUP = LoadParams.seconds("warmup", 10);
  private static final int TOKENS = LoadParams.integer("tokens", 16);
  private static final Duration TIMEOUT = LoadParams.seconds("timeout", 10);

  private final ScenarioBuilder plain = scenario("plain chat ramp").exec(
      http("chat").post("/v1/chat/completions").body(StringBody(LoadParams.chatBody(MODEL, false, TOKENS)))
          .requestTimeout(TIMEOUT)
          .check(status().is(200), jsonPath("$.choices[0].message.content").exists()));

  {
    OpenInjectionStep stairs = incrementUsersPerSec(STEP).times(LEVELS).eachLevelLasting(LEVEL)
        .separatedByRampsLasting(Duration.ofSeconds(1)).startingFrom(FROM);
    setUp(plain.injectOpen(WARMUP.isZero()
            ? new OpenInjectionStep[] {stairs}
            : new OpenInjectionStep[] {rampUsersPerSec(1).to(FROM).during(WARMUP), stairs}))
        .protocols(http.baseUrl(LoadParams.BASE_URL).contentTypeHeader("application/json")
            .acceptHeader("application/json").shareConnections());
  }
}
