package io.hedgerow.providers.upstream.http1;

import static io.hedgerow.providers.upstream.http1.ScriptedOrigin.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Http1ClientTest {
  private Http1Client client = new Http1Client(settings(Duration.ofSeconds(60), Duration.ofMinutes(10), 8, 8));
  private ScriptedOrigin origin;

  @AfterEach
  void stop() throws IOException {
    client.close();
    if (origin != null) origin.close();
  }

  private static Http1Settings settings(Duration idle, Duration responseIdle, int maxConnections, int maxWaiting) {
    return new Http1Settings(1, maxConnections, maxWaiting, Duration.ofSeconds(5), idle, responseIdle,
        Http1Settings.defaultTls());
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.POST(url).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  private static String ok(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  /** Records one exchange; can pause after each body piece. */
  static final class Recorder implements ResponseListener {
    final CompletableFuture<ResponseHead> head = new CompletableFuture<>();
    final CompletableFuture<String> done = new CompletableFuture<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final AtomicInteger pieces = new AtomicInteger();
    volatile boolean pause;

    @Override
    public void onHead(ResponseHead h) {
      head.complete(h);
    }

    @Override
    public boolean onBody(ByteBuffer bytes) {
      synchronized (body) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        body.write(b, 0, b.length);
      }
      pieces.incrementAndGet();
      return !pause;
    }

    @Override
    public void onComplete() {
      synchronized (body) {
        done.complete(body.toString(StandardCharsets.UTF_8));
      }
    }

    @Override
    public void onFailure(IOException failure) {
      done.completeExceptionally(failure);
    }

    int bytes() {
      synchronized (body) {
        return body.size();
      }
    }

    String await() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }

    Throwable awaitFailure() {
      ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
      return e.getCause();
    }
  }

  private Recorder send(HttpRequest request) {
    Recorder r = new Recorder();
    client.send(request, r);
    return r;
  }

  @Test
  void sendsTheRequestAndReusesTheKeepAliveConnection() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, ok("{\"n\":" + c + "}"));
      return true;
    });
    Recorder first = send(post(origin.url("/v1/chat/completions?x=1"), "{\"a\":1}")
        .addHeader(RawHeader.create("Authorization", "Bearer sk-test")));
    assertEquals("{\"n\":1}", first.await());
    assertEquals(200, first.head.get().status());
    assertEquals("{\"n\":1}", send(post(origin.url("/v1/chat/completions"), "{}")).await());
    assertEquals(1, origin.connections.get(), "the second call went over the same connection");

    String request = origin.requests.get(0);
    assertTrue(request.startsWith("POST /v1/chat/completions?x=1 HTTP/1.1\r\n"), request);
    assertTrue(request.contains("\r\nHost: 127.0.0.1:"), request);
    assertTrue(request.contains("\r\nAuthorization: Bearer sk-test\r\n"), request);
    assertTrue(request.contains("\r\nContent-Type: application/json\r\n"), request);
    assertTrue(request.contains("\r\nContent-Length: 7\r\n"), request);
    assertTrue(request.endsWith("\r\n\r\n{\"a\":1}"), request);
  }

  @Test
  void readsAChunkedBodyWithExtensionsAndTrailers() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      write(out, "5;ext=1\r\nhello\r\n");
      write(out, "7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n");
      return true;
    });
    assertEquals("hello, world", send(post(origin.url("/"), "{}")).await());
    assertEquals("hello, world", send(post(origin.url("/"), "{}")).await());
    assertEquals(1, origin.connections.get());
  }

  @Test
  void readsABodyThatEndsWithTheConnection() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
      return false;
    });
    assertEquals("until the end", send(post(origin.url("/"), "{}")).await());
    assertEquals("until the end", send(post(origin.url("/"), "{}")).await());
    assertEquals(2, origin.connections.get(), "a closed connection is not reused");
  }

  @Test
  void skipsAnInterimResponse() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 100 Continue\r\n\r\n" + ok("final"));
      return true;
    });
    Recorder r = send(post(origin.url("/"), "{}"));
    assertEquals("final", r.await());
    assertEquals(200, r.head.get().status());
  }

  @Test
  void aConnectionDroppedMidBodyFailsAsABrokenConnection() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
      return false;
    });
    Throwable failure = send(post(origin.url("/"), "{}")).awaitFailure();
    assertInstanceOf(MalformedResponseException.class, failure);
    assertEquals(ErrorClass.CONNECTION, UpstreamClient.asUpstream(failure).error().errorClass());
  }

  @Test
  void garbageInsteadOfAResponseFails() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "SSH-2.0-OpenSSH_9.6\r\n\r\n");
      return true;
    });
    Throwable failure = send(post(origin.url("/"), "{}")).awaitFailure();
    assertInstanceOf(MalformedResponseException.class, failure);
    assertEquals("The upstream sent a malformed HTTP response.", UpstreamClient.asUpstream(failure).error().message());
  }

  @Test
  void aRefusedConnectionFailsAsAConnectionFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Throwable failure = send(post("http://127.0.0.1:" + port + "/", "{}")).awaitFailure();
    assertInstanceOf(ConnectException.class, failure);
    assertEquals("The upstream connection failed.", UpstreamClient.asUpstream(failure).error().message());
  }

  @Test
  void retriesOnceOnANewConnectionWhenTheOriginClosedTheKeptAliveOne() throws Exception {
    AtomicInteger onFirst = new AtomicInteger();
    origin = new ScriptedOrigin((c, request, out) -> {
      // the second request on the first connection meets a close, as when a server's keep-alive timeout
      // fires just as the request goes out
      if (c == 1 && onFirst.incrementAndGet() == 2) return false;
      write(out, ok("from " + c));
      return true;
    });
    assertEquals("from 1", send(post(origin.url("/"), "{}")).await());
    assertEquals("from 2", send(post(origin.url("/"), "{}")).await());
    assertEquals(2, origin.connections.get());
    assertEquals(3, origin.requests.size(), "sent twice: once on the closed connection, once on a new one");
  }

  @Test
  void doesNotRetryWhenTheOriginClosedAFreshConnection() throws Exception {
    origin = new ScriptedOrigin((c, request, out) -> false);
    assertInstanceOf(MalformedResponseException.class, send(post(origin.url("/"), "{}")).awaitFailure());
    assertEquals(1, origin.connections.get());
  }

  @Test
  void cancellingClosesTheConnection() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
      try {
        for (int i = 0; i < 100; i++) {
          Thread.sleep(50);
          write(out, "1\r\n.\r\n");
        }
      } catch (IOException | InterruptedException e) {
        closed.countDown();
      }
      return false;
    });
    Recorder r = new Recorder();
    Call call = client.send(post(origin.url("/"), "{}"), r);
    r.head.get(10, TimeUnit.SECONDS);
    call.cancel();
    assertTrue(closed.await(10, TimeUnit.SECONDS), "the origin saw the connection close");
    assertTrue(!r.done.isDone(), "a cancelled call hears nothing more");
  }

  @Test
  void cancellingAPlainAnswerClosesItsConnection() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nnot all of it");
      try {
        for (int i = 0; i < 200; i++) {
          Thread.sleep(50);
          write(out, ".");
        }
      } catch (IOException | InterruptedException e) {
        closed.countDown();
      }
      return false;
    });
    UpstreamClient upstream = new UpstreamClient(client, 1 << 20, 1 << 16, UpstreamObserver.NONE);
    CompletableFuture<String> answer = upstream.answer(post(origin.url("/"), "{}"),
        (response, body) -> UpstreamError.of(ErrorClass.SERVER_ERROR, 500, "unused"), ByteString::utf8String);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (origin.requests.isEmpty() && System.nanoTime() < until) Thread.onSpinWait();
    answer.cancel(false);
    assertTrue(closed.await(10, TimeUnit.SECONDS), "the origin saw the connection close");
  }

  @Test
  void aPausedBodyIsNotReadUntilResumed() throws Exception {
    byte[] big = new byte[4 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n");
      out.write(big);
      return true;
    });
    Recorder r = new Recorder();
    r.pause = true;
    Call call = client.send(post(origin.url("/"), "{}"), r);
    r.head.get(10, TimeUnit.SECONDS);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (r.pieces.get() == 0 && System.nanoTime() < until) Thread.onSpinWait();
    int piecesWhenPaused = r.pieces.get();
    Thread.sleep(300); // nothing more may arrive while paused
    assertEquals(piecesWhenPaused, r.pieces.get());
    assertTrue(r.bytes() < big.length);
    r.pause = false;
    call.resume();
    assertEquals(big.length, r.await().length());
  }

  @Test
  void callsPastTheWaitingLimitFailAtOnce() throws Exception {
    client.close();
    client = new Http1Client(settings(Duration.ofSeconds(60), Duration.ofMinutes(10), 1, 1));
    CountDownLatch release = new CountDownLatch(1);
    origin = new ScriptedOrigin((c, request, out) -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return false;
      }
      write(out, ok("done"));
      return true;
    });
    Recorder holding = send(post(origin.url("/"), "{}"));
    Recorder waiting = send(post(origin.url("/"), "{}"));
    Recorder refused = send(post(origin.url("/"), "{}"));
    assertTrue(refused.awaitFailure().getMessage().contains("waiting for a connection"));
    release.countDown();
    assertEquals("done", holding.await());
    assertEquals("done", waiting.await());
    assertEquals(1, origin.connections.get());
  }

  @Test
  void anAnswerThatStopsSendingTimesOut() throws Exception {
    client.close();
    client = new Http1Client(settings(Duration.ofSeconds(60), Duration.ofSeconds(1), 8, 8));
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
      try {
        Thread.sleep(10_000);
      } catch (InterruptedException e) {
        // closing
      }
      return false;
    });
    Throwable failure = send(post(origin.url("/"), "{}")).awaitFailure();
    assertInstanceOf(SocketTimeoutException.class, failure);
    assertEquals(ErrorClass.TIMEOUT, UpstreamClient.asUpstream(failure).error().errorClass());
  }

  @Test
  void anIdleConnectionIsClosedAfterItsTimeout() throws Exception {
    client.close();
    client = new Http1Client(settings(Duration.ofMillis(500), Duration.ofMinutes(10), 8, 8));
    origin = new ScriptedOrigin((c, request, out) -> {
      write(out, ok("once"));
      return true;
    });
    assertEquals("once", send(post(origin.url("/"), "{}")).await());
    assertTrue(origin.awaitClientClose(10), "the client closed its idle connection");
  }

  @Test
  void aHeaderValueWithALineBreakIsRefused() {
    HttpRequest request = post("http://127.0.0.1:1/", "{}").addHeader(RawHeader.create("X-Bad", "a\r\nInjected: yes"));
    assertThrows(IllegalArgumentException.class, () -> client.send(request, new Recorder()));
  }
}
