package io.hedgerow.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/**
 * A short open-model load of plain and streamed chat completions against a running gateway; every
 * request must succeed and every stream must end with {@code [DONE]}. Parameters (system properties):
 * {@code gateway.baseUrl} (http://127.0.0.1:8080), {@code model} (chat), {@code rate} (requests per second
 * per scenario, 20), {@code duration} (seconds, 10).
 */
public class SmokeSimulation extends Simulation {
  private static final String BASE_URL = System.getProperty("gateway.baseUrl", "http://127.0.0.1:8080");
  private static final String MODEL = System.getProperty("model", "chat");
  private static final double RATE = Double.parseDouble(System.getProperty("rate", "20"));
  private static final Duration DURATION = Duration.ofSeconds(Long.parseLong(System.getProperty("duration", "10")));

  private static String body(boolean stream) {
    return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
  }

  private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
      .contentTypeHeader("application/json")
      .acceptHeader("application/json, text/event-stream");

  private final ScenarioBuilder plain = scenario("plain chat").exec(
      http("chat").post("/v1/chat/completions").body(StringBody(body(false)))
          .check(status().is(200), jsonPath("$.choices[0].message.content").exists()));

  private final ScenarioBuilder streaming = scenario("streaming chat")
      .exec(sse("chat stream").post("/v1/chat/completions").body(StringBody(body(true)))
          .await(Duration.ofSeconds(30)).on(
              sse.checkMessage("first chunk").check(regex("\"content\"")),
              sse.checkMessage("done").matching(substring("[DONE]")).check(substring("[DONE]"))))
      .exec(sse("close stream").close());

  {
    setUp(
        plain.injectOpen(constantUsersPerSec(RATE).during(DURATION)),
        streaming.injectOpen(constantUsersPerSec(RATE).during(DURATION)))
        .protocols(protocol)
        .assertions(global().failedRequests().count().is(0L));
  }
}
