package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the gateway as SIGTERM does while a slow stream is being answered: the stream is let finish,
 * the port stops accepting at once, and connections close once the streams are done.
 */
class GracefulShutdownTest {
  private static ActorTestKit testKit;
  private RunningGateway gw;

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() {
    gw = RunningGateway.start("""
        hedgerow {
          sim.embedded = on
          sim.instances = [
            { name = drip, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 250ms, output-tokens = 6 }
          ]
          providers { drip { kind = openai, base-url = "sim://drip/v1" } }
          models { drip { provider = drip, upstream-model = "drip-1" } }
        }
        """);
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  @Test
  void openStreamFinishesWithEveryTokenAndDoneWhileTheGatewayStopsAndThenThePortRefusesConnections() throws Exception {
    int port = gw.gateway().port();
    CompletableFuture<?> stopped;
    List<String> frames = new ArrayList<>();
    try (SseStream stream = openStream("hello")) {
      frames.add(stream.next().orElseThrow());

      stopped = gw.gateway().stop().toCompletableFuture();
      frames.addAll(CompletableFuture.supplyAsync(stream::rest).get(10, TimeUnit.SECONDS));
    }

    assertEquals("[DONE]", frames.get(frames.size() - 1));
    assertTrue(frames.stream().noneMatch(f -> f.contains("\"error\"")), frames.toString());
    String text = frames.subList(0, frames.size() - 1).stream()
        .map(f -> SseStream.json(f).path("choices").path(0).path("delta").path("content").asText(""))
        .reduce("", String::concat);
    assertEquals(6, text.trim().split(" ").length, text);

    stopped.get(15, TimeUnit.SECONDS);
    assertConnectionRefused(port);
  }

  /**
   * Pekko unbinds the port as the drain starts, so a probe on a new connection is refused rather than told
   * 503; a connection opened before the stop is still served until the open streams are done.
   */
  @Test
  void duringTheDrainNewConnectionsAreRefusedButAKeptAliveConnectionIsToldReadyIs503Draining() throws Exception {
    int port = gw.gateway().port();
    try (KeptAliveConnection probe = new KeptAliveConnection(port)) {
      assertEquals("200 {\"status\":\"ready\"}", probe.get("/ready"));
      CompletableFuture<?> stopped;
      try (SseStream stream = openStream("a long one sim:tokens=40")) {
        stream.next().orElseThrow();

        stopped = gw.gateway().stop().toCompletableFuture();
        testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
          assertConnectionRefused(port);
          return null;
        });
        assertFalse(stopped.isDone(), "the drain waits for the open stream");
        assertEquals("503 {\"status\":\"draining\"}", probe.get("/ready"));
      } // hanging up ends the only open stream, which ends the drain
      stopped.get(10, TimeUnit.SECONDS);
    }
  }

  private SseStream openStream(String text) throws Exception {
    HttpResponse<InputStream> response = gw.client().send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"drip\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    return new SseStream(response.body());
  }

  private static void assertConnectionRefused(int port) {
    assertThrows(ConnectException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      }
    });
  }

  /** One HTTP/1.1 connection used for several requests, as a load balancer's health checker keeps one. */
  private static final class KeptAliveConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final BufferedReader in;

    KeptAliveConnection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(5000);
      out = socket.getOutputStream();
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** The status code and the body. */
    String get(String path) throws IOException {
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = in.readLine();
      if (status == null) throw new IOException("the connection was closed");
      int length = 0;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(line.substring(15).trim());
      }
      char[] body = new char[length];
      for (int read = 0; read < length; ) {
        int n = in.read(body, read, length - read);
        if (n < 0) throw new IOException("the connection was closed mid-body");
        read += n;
      }
      return status.split(" ")[1] + " " + new String(body);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
