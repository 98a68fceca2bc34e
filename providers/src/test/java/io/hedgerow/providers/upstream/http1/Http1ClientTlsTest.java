package io.hedgerow.providers.upstream.http1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.ErrorClassifier;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import io.hedgerow.providers.upstream.UpstreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client, alone and under {@link UpstreamClient}, against a real HTTPS origin on 127.0.0.1: Pekko HTTP's
 * server with throwaway certificates from {@link ThrowawayKeys}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http1ClientTlsTest {
  private static final long WAIT_SECONDS = 10;
  private static final ErrorClassifier CLASSIFIER =
      (response, body) -> UpstreamError.of(ErrorClass.SERVER_ERROR, response.status().intValue(), body.utf8String());

  @TempDir static Path dir;
  private static ThrowawayKeys keys;
  private static KeyStore localhostKeys;
  private static KeyStore otherKeys;
  private static ActorTestKit kit;
  private static Materializer mat;

  private final List<Http1Client> clients = new ArrayList<>();
  private final List<ServerBinding> bindings = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    keys = new ThrowawayKeys(dir);
    localhostKeys = keys.keyPair("localhost", "CN=localhost", "san=ip:127.0.0.1,dns:localhost");
    otherKeys = keys.keyPair("other", "CN=other"); // no name that 127.0.0.1 matches
    kit = ActorTestKit.create();
    mat = Materializer.matFromSystem(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @AfterEach
  void close() throws Exception {
    clients.forEach(Http1Client::close);
    for (ServerBinding binding : bindings) {
      binding.unbind().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  // ---- the origin ----

  /**
   * An HTTPS origin: POST /echo answers with the request's body, POST /events with an event stream whose chunks
   * the test sends through {@link #events}, POST /many-events with {@value Http1ClientTlsTest#MANY_EVENTS} events at once. It
   * counts the connections it accepted and the requests it read.
   */
  private static final class TlsOrigin {
    final ConcurrentLinkedQueue<InetSocketAddress> connections = new ConcurrentLinkedQueue<>();
    final AtomicInteger requests = new AtomicInteger();
    final CompletableFuture<BoundedSourceQueue<ByteString>> events = new CompletableFuture<>();
    int port;

    String url(String path) {
      return "https://127.0.0.1:" + port + path;
    }

    CompletionStage<HttpResponse> answer(HttpRequest request) {
      requests.incrementAndGet();
      String path = request.getUri().path();
      return request.entity().toStrict(WAIT_SECONDS * 1000, mat).thenApply(body -> switch (path) {
        case "/echo" -> HttpResponse.create().withEntity(ContentTypes.APPLICATION_OCTET_STREAM, body.getData());
        case "/events" -> {
          Pair<BoundedSourceQueue<ByteString>, Source<ByteString, org.apache.pekko.NotUsed>> stream =
              Source.<ByteString>queue(16).preMaterialize(mat);
          events.complete(stream.first());
          // each offered piece goes out as an HTTP chunk of its own, when it is offered
          yield HttpResponse.create().withEntity(
              HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), stream.second()));
        }
        case "/many-events" -> HttpResponse.create().withEntity(HttpEntities.createChunked(
            MediaTypes.TEXT_EVENT_STREAM.toContentType(), Source.range(1, MANY_EVENTS).map(Http1ClientTlsTest::manyEvent)));
        default -> HttpResponse.create().withStatus(404);
      });
    }
  }

  private TlsOrigin serve(KeyStore pair) throws Exception {
    return serve(pair, "TLSv1.3");
  }

  /** An origin that speaks only {@code protocol}. */
  private TlsOrigin serve(KeyStore pair, String protocol) throws Exception {
    TlsOrigin origin = new TlsOrigin();
    SSLContext context = keys.server(pair);
    ServerBinding binding = Http.get(kit.system()).newServerAt("127.0.0.1", 0)
        .enableHttps(ConnectionContext.httpsServer(() -> {
          SSLEngine engine = context.createSSLEngine();
          engine.setUseClientMode(false);
          engine.setEnabledProtocols(new String[] {protocol});
          return engine;
        }))
        .connectionSource()
        .to(Sink.foreach(connection -> {
          origin.connections.add(connection.remoteAddress());
          connection.handleWithAsyncHandler(origin::answer, mat);
        }))
        .run(mat)
        .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    bindings.add(binding);
    origin.port = binding.localAddress().getPort();
    return origin;
  }

  // ---- the client ----

  private Http1Client client(SSLContext tls) {
    Http1Client client = new Http1Client(new Http1Settings(1, 4, 16, Duration.ofSeconds(WAIT_SECONDS),
        Duration.ofSeconds(60), Duration.ofSeconds(30), tls));
    clients.add(client);
    return client;
  }

  private UpstreamClient upstream(SSLContext tls) {
    return new UpstreamClient(client(tls), 1 << 20, 1 << 16, UpstreamObserver.NONE);
  }

  private static HttpRequest post(String url, byte[] body) {
    return HttpRequest.POST(url).withEntity(ContentTypes.APPLICATION_OCTET_STREAM, body);
  }

  private static HttpRequest post(String url, String json) {
    return HttpRequest.POST(url).withEntity(ContentTypes.APPLICATION_JSON, json);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The failure a future ended with: it must fail, and within the wait. */
  private static Throwable failureOf(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static byte[] payload(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  // ---- the tests ----

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void twoPostsAreAnsweredOverOneTlsConnection(String protocol) throws Exception {
    TlsOrigin origin = serve(localhostKeys, protocol);
    UpstreamClient upstream = upstream(ThrowawayKeys.clientTrusting(localhostKeys));

    ByteString first = await(upstream.body(post(origin.url("/echo"), "{\"n\":1}"), CLASSIFIER));
    assertEquals("{\"n\":1}", first.utf8String());
    ByteString second = await(upstream.body(post(origin.url("/echo"), "{\"n\":2}"), CLASSIFIER));
    assertEquals("{\"n\":2}", second.utf8String());

    assertEquals(2, origin.requests.get());
    assertEquals(1, origin.connections.size(), "both went over one connection: " + origin.connections);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void bigBodiesFlowBothWaysOverTheKeptAliveConnection(String protocol) throws Exception {
    TlsOrigin origin = serve(localhostKeys, protocol);
    UpstreamClient upstream = upstream(ThrowawayKeys.clientTrusting(localhostKeys));
    // many TLS records each way, more than one read buffer and one socket buffer
    for (int size : new int[] {300_000, 17, 700_001}) {
      byte[] sent = payload(size);
      assertArrayEquals(sent, await(upstream.body(post(origin.url("/echo"), sent), CLASSIFIER)).toArray(),
          size + " bytes");
    }
    assertEquals(1, origin.connections.size(), "all over one connection: " + origin.connections);
  }

  @Test
  void theClientAloneSeesTheHeadAndTheBody() throws Exception {
    TlsOrigin origin = serve(localhostKeys);
    Http1ClientTest.Recorder recorder = new Http1ClientTest.Recorder();
    client(ThrowawayKeys.clientTrusting(localhostKeys)).send(post(origin.url("/echo"), "{\"a\":1}"), recorder);
    assertEquals("{\"a\":1}", recorder.await());
    ResponseHead head = await(recorder.head);
    assertEquals(200, head.status());
    assertTrue(head.headers().stream().anyMatch(h -> h[0].equalsIgnoreCase("content-type")
        && h[1].equals("application/octet-stream")), "the origin's headers arrive");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void anEventStreamArrivesEventByEventAsTheOriginSendsIt(String protocol) throws Exception {
    TlsOrigin origin = serve(localhostKeys, protocol);
    UpstreamClient upstream = upstream(ThrowawayKeys.clientTrusting(localhostKeys));
    SinkQueueWithCancel<SseEvent> received =
        upstream.events(post(origin.url("/events"), "{\"stream\":true}"), CLASSIFIER).runWith(Sink.queue(), mat);
    BoundedSourceQueue<ByteString> sent = await(origin.events);

    // each event is received before the next is sent: the body is read as it arrives, not at its end
    for (int i = 1; i <= 5; i++) {
      String data = "{\"i\":" + i + "}";
      if (i == 3) {
        // one event in two chunks, and so in two TLS records
        offer(sent, "event: delta\ndata: {\"i\":");
        offer(sent, i + "}\n\n");
      } else {
        offer(sent, "data: " + data + "\n\n");
      }
      SseEvent event = next(received);
      assertEquals(data, event.data().utf8String());
      assertEquals(i == 3 ? "delta" : "", event.event());
      assertFalse(event.isDone());
    }
    offer(sent, "data: {\"i\":6}\n\ndata: [DONE]\n\n"); // two events in one chunk
    assertEquals("{\"i\":6}", next(received).data().utf8String());
    assertTrue(next(received).isDone());
    sent.complete();
    assertEquals(Optional.empty(), await(received.pull()), "the stream ends with the chunked body");
    assertEquals(1, origin.connections.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void aLongEventStreamArrivesWholeThroughTheReadingPausesOfBackpressure(String protocol) throws Exception {
    TlsOrigin origin = serve(localhostKeys, protocol);
    UpstreamClient upstream = upstream(ThrowawayKeys.clientTrusting(localhostKeys));
    // about 2 MiB in one chunk per event: far more than the 4 pieces the source lets wait unread
    List<SseEvent> events = await(upstream.events(post(origin.url("/many-events"), "{}"), CLASSIFIER)
        .runWith(Sink.seq(), mat));
    assertEquals(MANY_EVENTS, events.size());
    for (int i = 1; i <= MANY_EVENTS; i++) {
      assertEquals(manyEvent(i).drop(6).dropRight(2), events.get(i - 1).data(), "event " + i);
    }
  }

  private static final int MANY_EVENTS = 10_000;

  /** Event {@code i} of /many-events: {@code data: } and about 200 bytes of its number, then the blank line. */
  private static ByteString manyEvent(int i) {
    return ByteString.fromString("data: {\"i\":" + i + ",\"pad\":\"" + String.valueOf(i % 10).repeat(180) + "\"}\n\n");
  }

  private static void offer(BoundedSourceQueue<ByteString> queue, String chunk) {
    assertEquals(QueueOfferResult.enqueued(), queue.offer(ByteString.fromString(chunk)));
  }

  private static SseEvent next(SinkQueueWithCancel<SseEvent> events) throws Exception {
    return await(events.pull()).orElseGet(() -> fail("the event stream ended early"));
  }

  @Test
  void aCertificateForAnotherNameFailsTheCallAsAConnectionFailure() throws Exception {
    TlsOrigin origin = serve(otherKeys);
    SSLContext trustsIt = ThrowawayKeys.clientTrusting(otherKeys); // trusted, so only the name can fail
    assertFailsTheHandshake(origin, trustsIt);
  }

  @Test
  void aCertificateTheClientDoesNotTrustFailsTheCallAsAConnectionFailure() throws Exception {
    TlsOrigin origin = serve(localhostKeys); // valid for 127.0.0.1, but self-signed
    assertFailsTheHandshake(origin, SSLContext.getDefault());
  }

  /** Every way in fails, the origin reads no request, and a failed handshake frees its connection slot. */
  private void assertFailsTheHandshake(TlsOrigin origin, SSLContext tls) throws Exception {
    Http1Client client = client(tls);
    UpstreamClient upstream = new UpstreamClient(client, 1 << 20, 1 << 16, UpstreamObserver.NONE);

    Http1ClientTest.Recorder recorder = new Http1ClientTest.Recorder();
    client.send(post(origin.url("/echo"), "{}"), recorder);
    Throwable raw = recorder.awaitFailure();
    assertInstanceOf(SSLHandshakeException.class, raw);
    assertTrue(raw.getMessage().contains("127.0.0.1"), raw.getMessage());
    assertTrue(causedBy(raw, CertificateException.class), "the certificate was refused: " + raw);
    assertFalse(recorder.head.isDone());

    for (int i = 0; i < 6; i++) { // more than the 4 connections the client may hold to the origin
      Throwable failure = failureOf(upstream.body(post(origin.url("/echo"), "{}"), CLASSIFIER));
      assertEquals(ErrorClass.CONNECTION, UpstreamClient.asUpstream(failure).error().errorClass(), failure.toString());
    }

    Throwable streamed = failureOf(
        upstream.events(post(origin.url("/events"), "{\"stream\":true}"), CLASSIFIER).runWith(Sink.seq(), mat));
    UpstreamException classified = assertInstanceOf(UpstreamException.class, streamed);
    assertEquals(ErrorClass.CONNECTION, classified.error().errorClass());
    assertEquals(ErrorClass.CONNECTION, UpstreamClient.asUpstream(streamed).error().errorClass());

    assertEquals(0, origin.requests.get(), "no request got past the handshake");
    assertEquals(8, origin.connections.size(), "each call tried a connection of its own: " + origin.connections);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return true;
    }
    return false;
  }
}
