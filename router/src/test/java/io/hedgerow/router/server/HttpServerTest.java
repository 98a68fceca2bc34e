package io.hedgerow.router.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.loop.EventLoopGroup;
import io.hedgerow.router.dispatch.EventLoopExecutor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server transport over real loopback sockets, driven by raw HTTP/1.1 so that each test controls what
 * the client does with its socket: keep-alive and pipelining, bodies and answers larger than any buffer,
 * clients that read slowly, end their side or hang up, the connection limit, the idle timeout, unbinding and
 * graceful termination.
 */
class HttpServerTest {
  private ActorSystem system;
  private HttpServer server;
  private final CompletableFuture<Done> streamEnded = new CompletableFuture<>();
  /** Completed as the handler starts on a request to /slow or /hang. */
  private final CompletableFuture<String> handling = new CompletableFuture<>();

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.terminate(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    TestKit.shutdownActorSystem(system);
  }

  private int start(String config) throws Exception {
    system = ActorSystem.create("http-server-test", ConfigFactory.parseString(config)
        .withFallback(ConfigFactory.parseString("pekko.http.server.server-header = \"\"")).withFallback(ConfigFactory.load()));
    Materializer materializer = Materializer.matFromSystem(system);
    // the sockets on the event loops the system's actors run on, as in the gateway
    EventLoopGroup loops = EventLoopExecutor.loopsOf(system).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    server = HttpServer.bind(system, "127.0.0.1", 0, loops, request -> answer(request, materializer));
    return server.localAddress().getPort();
  }

  private CompletionStage<HttpResponse> answer(HttpRequest request, Materializer materializer) {
    String path = request.getUri().path();
    switch (path) {
      case "/echo":
        return request.entity().toStrict(10_000, materializer)
            .thenApply(e -> HttpResponse.create().withEntity(ContentTypes.APPLICATION_OCTET_STREAM, e.getData()));
      case "/big":
        return CompletableFuture.completedFuture(HttpResponse.create()
            .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, pattern(Integer.parseInt(request.getUri().query().get("n").get()))));
      case "/slow":
        handling.complete(path);
        return CompletableFuture.supplyAsync(() -> HttpResponse.create().withEntity("slow"),
            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
      case "/hang":
        handling.complete(path);
        return new CompletableFuture<>();
      case "/stream":
        Source<ByteString, NotUsed> chunks = Source.tick(Duration.ZERO, Duration.ofMillis(20), ByteString.fromString("data: x\n\n"))
            .watchTermination(Keep.right())
            .mapMaterializedValue(ended -> {
              ended.whenComplete((d, e) -> streamEnded.complete(Done.done()));
              return NotUsed.getInstance();
            });
        return CompletableFuture.completedFuture(HttpResponse.create()
            .withEntity(HttpEntities.createChunked(ContentTypes.TEXT_PLAIN_UTF8, chunks)));
      default:
        return CompletableFuture.completedFuture(HttpResponse.create().withEntity(path));
    }
  }

  @Test
  void manyRequestsOnOneKeptAliveConnectionAndPipelinedOnesAreAnsweredInOrder() throws Exception {
    int port = start("");
    try (RawClient client = new RawClient(port)) {
      for (int i = 0; i < 200; i++) {
        client.send(RawClient.post("/echo", "request " + i));
        assertEquals("request " + i, client.readResponse().bodyText());
      }
      client.send(RawClient.get("/a") + RawClient.get("/b") + RawClient.get("/c"));
      assertEquals("/a", client.readResponse().bodyText());
      assertEquals("/b", client.readResponse().bodyText());
      assertEquals("/c", client.readResponse().bodyText());
    }
  }

  @Test
  void aBodyManyTimesTheReadBufferArrivesWhole() throws Exception {
    int port = start("");
    byte[] body = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(body);
    try (RawClient client = new RawClient(port)) {
      client.send(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      client.send(body);
      RawClient.Response response = client.readResponse();
      assertEquals(200, response.status());
      assertArrayEquals(body, response.body());
    }
  }

  @Test
  void anAnswerLargerThanTheSocketBuffersReachesAClientThatReadsLate() throws Exception {
    int port = start("");
    int size = 24 * 1024 * 1024;
    // a small receive window: the server's writes cannot all be taken at once, whenever the client reads
    try (RawClient client = new RawClient(port, 4096)) {
      client.send(RawClient.get("/big?n=" + size));
      RawClient.Response response = client.readResponse();
      assertEquals(200, response.status());
      assertArrayEquals(pattern(size), response.body());
      client.send(RawClient.get("/after"));
      assertEquals("/after", client.readResponse().bodyText(), "the connection is usable after the large answer");
    }
  }

  @Test
  void aClientThatEndsItsSideAfterItsRequestStillGetsTheAnswer() throws Exception {
    int port = start("");
    try (RawClient client = new RawClient(port)) {
      client.send(RawClient.get("/half-closed"));
      client.socket.shutdownOutput();
      assertEquals("/half-closed", client.readResponse().bodyText());
    }
  }

  @Test
  void aMalformedRequestGetsA400() throws Exception {
    int port = start("");
    try (RawClient client = new RawClient(port)) {
      client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n");
      assertEquals(400, client.readResponse().status());
    }
  }

  @Test
  void aClientHangingUpMidAnswerEndsTheAnswersSource() throws Exception {
    int port = start("");
    RawClient client = new RawClient(port);
    client.send(RawClient.get("/stream"));
    assertTrue(client.readHead().startsWith("HTTP/1.1 200"));
    client.close();
    streamEnded.get(5, TimeUnit.SECONDS);
  }

  @Test
  void pastMaxConnectionsANewConnectionWaitsUntilAnotherCloses() throws Exception {
    int port = start("pekko.http.server.max-connections = 2");
    try (RawClient first = new RawClient(port); RawClient second = new RawClient(port); RawClient third = new RawClient(port)) {
      first.send(RawClient.get("/1"));
      assertEquals("/1", first.readResponse().bodyText());
      second.send(RawClient.get("/2"));
      assertEquals("/2", second.readResponse().bodyText());

      third.send(RawClient.get("/3"));
      third.socket.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, third::readHead, "the third connection is not accepted yet");
      assertEquals(2, server.openConnections());

      first.close();
      third.socket.setSoTimeout(5000);
      assertEquals("/3", third.readResponse().bodyText());
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    int port = start("pekko.http.server.idle-timeout = 300ms");
    try (RawClient client = new RawClient(port)) {
      client.send(RawClient.get("/once"));
      assertEquals("/once", client.readResponse().bodyText());
      client.socket.setSoTimeout(5000);
      assertEquals(-1, client.socket.getInputStream().read(), "closed by the server");
    }
    new TestKit(system).awaitCond(Duration.ofSeconds(5), () -> server.openConnections() == 0);
  }

  @Test
  void aPortInUseFailsTheBindNamingTheAddress() throws Exception {
    int port = start("");
    EventLoopGroup loops = EventLoopExecutor.loopsOf(system).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    java.net.BindException e = assertThrows(java.net.BindException.class,
        () -> HttpServer.bind(system, "127.0.0.1", port, loops, request -> new CompletableFuture<>()));
    assertTrue(e.getMessage().startsWith("Cannot listen on 127.0.0.1:" + port + ": "), e.getMessage());
  }

  @Test
  void unbindingRefusesNewConnectionsWhileOpenOnesAreStillServed() throws Exception {
    int port = start("");
    try (RawClient open = new RawClient(port)) {
      open.send(RawClient.get("/before"));
      assertEquals("/before", open.readResponse().bodyText());

      server.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThrows(ConnectException.class, () -> new RawClient(port).close());
      open.send(RawClient.get("/after"));
      assertEquals("/after", open.readResponse().bodyText());
    }
  }

  @Test
  void terminateClosesAnIdleConnectionAtOnceAndLetsABusyOneFinishWithConnectionClose() throws Exception {
    int port = start("");
    try (RawClient idle = new RawClient(port); RawClient busy = new RawClient(port)) {
      idle.send(RawClient.get("/idle"));
      assertEquals("/idle", idle.readResponse().bodyText());
      busy.send(RawClient.get("/slow"));
      assertEquals("/slow", handling.get(5, TimeUnit.SECONDS));

      CompletableFuture<Done> terminated = server.terminate(Duration.ofSeconds(10)).toCompletableFuture();

      idle.socket.setSoTimeout(5000);
      assertEquals(-1, idle.socket.getInputStream().read(), "the idle connection is closed");
      RawClient.Response answer = busy.readResponse();
      assertEquals("slow", answer.bodyText());
      assertTrue(answer.head().toLowerCase().contains("connection: close"), answer.head());
      assertEquals(-1, busy.socket.getInputStream().read(), "and then closed");
      terminated.get(5, TimeUnit.SECONDS);
      assertEquals(0, server.openConnections());
    }
  }

  @Test
  void terminateClosesWhatIsStillBusyAtTheHardDeadline() throws Exception {
    int port = start("");
    try (RawClient hanging = new RawClient(port)) {
      hanging.send(RawClient.get("/hang"));
      assertEquals("/hang", handling.get(5, TimeUnit.SECONDS));

      server.terminate(Duration.ofMillis(300)).toCompletableFuture().get(5, TimeUnit.SECONDS);

      hanging.socket.setSoTimeout(5000);
      int read;
      try {
        read = hanging.socket.getInputStream().read();
      } catch (IOException reset) {
        read = -1;
      }
      assertEquals(-1, read, "the connection is gone");
    }
  }

  private static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) bytes[i] = (byte) (i * 31 + (i >>> 11));
    return bytes;
  }
}
