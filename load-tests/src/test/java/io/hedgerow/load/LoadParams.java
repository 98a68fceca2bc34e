package io.hedgerow.load;

import java.time.Duration;

/**
 * System properties shared by the simulations. Every one has a default, so a bare
 * {@code mvn -pl load-tests gatling:test -Dsimulation=...} runs against a gateway on 127.0.0.1:8080.
 */
final class LoadParams {
  private LoadParams() {}

  /** {@code gateway.baseUrl}: the gateway (or any OpenAI-compatible server) under test. */
  static final String BASE_URL = System.getProperty("gateway.baseUrl", "http://127.0.0.1:8080");

  static String model(String fallback) {
    return System.getProperty("model", fallback);
  }

  static double dbl(String name, double fallback) {
    return Double.parseDouble(System.getProperty(name, Double.toString(fallback)));
  }

  static int integer(String name, int fallback) {
    return Integer.parseInt(System.getProperty(name, Integer.toString(fallback)));
  }

  static Duration seconds(String name, long fallback) {
    return Duration.ofSeconds(Long.parseLong(System.getProperty(name, Long.toString(fallback))));
  }

  /**
   * A chat completion request body. {@code tokens > 0} appends the simulator directive
   * {@code sim:tokens=N}, so a simulated upstream answers with exactly N text tokens (a real provider
   * just sees a few extra words).
   */
  static String chatBody(String model, boolean stream, int tokens) {
    String prompt = "Say hello." + (tokens > 0 ? " sim:tokens=" + tokens : "");
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
  }
}
