package io.hedgerow.providers.upstream.http1;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** TlsTransport against a real TLS server, driven by a selector loop as the connection's IO thread drives it. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a spinning transport fails, not hangs
class TlsTransportTest {
  private static final int MIB = 1 << 20;
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final InetAddress LOOPBACK = loopback();

  @TempDir static Path dir;
  private static ThrowawayKeys keys;
  private static KeyStore localhostKeys;
  private static KeyStore otherKeys;
  private static SSLContext client;

  @BeforeAll
  static void keys() throws Exception {
    keys = new ThrowawayKeys(dir);
    localhostKeys = keys.keyPair("localhost", "CN=localhost", "san=ip:127.0.0.1,dns:localhost");
    otherKeys = keys.keyPair("other", "CN=other");
    client = ThrowawayKeys.clientTrusting(localhostKeys, otherKeys); // other trusted too, so only the name can fail
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void bigResponsesAndRequestsFlowBothWaysOnOneKeptAliveConnection(String protocol) throws Exception {
    try (Server server = new Server(localhostKeys, protocol, Ending.KEEP_ALIVE, false);
        Client conn = new Client(server.port(), "localhost")) {
      conn.handshake();
      assertEquals(protocol, conn.engine.getSession().getProtocol());
      assertEquals("http/1.1", conn.engine.getApplicationProtocol());

      byte[] big = conn.exchange(get(MIB), 1000); // a small buffer: the transport must keep what doesn't fit
      assertArrayEquals(payload(MIB), big);
      assertArrayEquals(payload(10), conn.exchange(get(10), 64 * 1024));
      byte[] upload = payload(MIB + 7);
      assertArrayEquals(upload, conn.exchange(post(upload), 16 * 1024));
      assertTrue(conn.incompleteWrites > 0, "the socket was full at times, and the rest was sent later");
      assertEquals(1, server.connections(), "all on one connection");
      assertEquals(List.of(new SNIHostName("localhost")), server.serverNames.peek());
    }
  }

  @Test
  void anAddressIsNotSentAsServerName() throws Exception {
    try (Server server = new Server(localhostKeys, "TLSv1.3", Ending.KEEP_ALIVE, false);
        Client conn = new Client(server.port(), "127.0.0.1")) {
      conn.handshake();
      assertArrayEquals(payload(100), conn.exchange(get(100), 1000));
      assertEquals(List.of(), server.serverNames.peek());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void manySmallRecordsArriveWholeThoughOneSocketReadHoldsSeveral(String protocol) throws Exception {
    try (Server server = new Server(localhostKeys, protocol, Ending.KEEP_ALIVE, false);
        Client conn = new Client(server.port(), "localhost")) {
      conn.handshake();
      // the last socket read brings many records at once: read() must hand them all out before saying 0
      assertArrayEquals(payload(200_000), conn.exchange(get("/pieces/", 200_000), 1000));
      assertArrayEquals(payload(30_000), conn.exchange(get("/pieces/", 30_000), 64 * 1024));
    }
  }

  @Test
  void aKeyUpdateInTheMiddleOfAResponseLosesNothing() throws Exception {
    try (Server server = new Server(localhostKeys, "TLSv1.3", Ending.KEEP_ALIVE, true);
        Client conn = new Client(server.port(), "localhost")) {
      conn.handshake();
      assertArrayEquals(payload(MIB), conn.exchange(get(MIB), 4096));
      assertArrayEquals(payload(50_000), conn.exchange(get("/pieces/", 50_000), 4096));
      assertArrayEquals(payload(5000), conn.exchange(get(5000), 4096)); // with the keys both sides moved to
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void aCertificateForAnotherNameFailsTheHandshake(String protocol) throws Exception {
    try (Server server = new Server(otherKeys, protocol, Ending.KEEP_ALIVE, false);
        Client conn = new Client(server.port(), "127.0.0.1")) {
      IOException e = assertThrows(IOException.class, conn::handshake);
      assertInstanceOf(SSLHandshakeException.class, e);
      assertNotNull(e.getCause(), "the engine's exception is kept");
      assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
      server.expectFailures();
    }
  }

  @ParameterizedTest
  @CsvSource({"TLSv1.2, CLOSE_NOTIFY", "TLSv1.2, FIN", "TLSv1.3, CLOSE_NOTIFY", "TLSv1.3, FIN"})
  void thePeerClosingEndsTheStream(String protocol, Ending ending) throws Exception {
    try (Server server = new Server(localhostKeys, protocol, ending, false);
        Client conn = new Client(server.port(), "localhost")) {
      conn.handshake();
      assertArrayEquals(payload(70_000), conn.exchange(get(70_000), 1000));
      conn.awaitEnd();
      assertEquals(-1, conn.transport.read(ByteBuffer.allocate(10)), "and it stays ended");
    }
  }

  @Test
  void aPeerGoneDuringTheHandshakeFailsIt() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, LOOPBACK);
        Client conn = new Client(silent.getLocalPort(), "localhost")) {
      silent.accept().close();
      assertThrows(IOException.class, conn::handshake);
    }
  }

  // ---- the client: one connection driven like the IO thread does ----

  private static final class Client implements AutoCloseable {
    final long deadline = System.nanoTime() + DEADLINE_NANOS;
    final Selector selector = Selector.open();
    final SocketChannel channel = SocketChannel.open();
    final SSLEngine engine;
    final TlsTransport transport;
    final SelectionKey key;
    int incompleteWrites;

    Client(int port, String host) throws IOException {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.SO_SNDBUF, 4096); // so that big requests meet a full socket
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      key = channel.register(selector, 0);
      if (!channel.connect(new InetSocketAddress(LOOPBACK, port))) {
        await(SelectionKey.OP_CONNECT);
        channel.finishConnect();
      }
      engine = TlsTransport.clientEngine(client, host, port);
      transport = new TlsTransport(channel, engine);
    }

    void handshake() throws IOException {
      while (!transport.handshake()) {
        await(transport.wantsWrite() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      }
      assertFalse(transport.wantsWrite(), "a finished handshake has sent everything");
    }

    /** Sends a request and reads its response's body, with reads of at most {@code chunk} bytes. */
    byte[] exchange(byte[] request, int chunk) throws IOException {
      ByteBuffer src = ByteBuffer.wrap(request);
      while (!transport.write(src)) {
        incompleteWrites++;
        assertTrue(transport.wantsWrite(), "a write that isn't done waits for the socket");
        await(SelectionKey.OP_WRITE);
      }
      assertFalse(transport.wantsWrite(), "a done write left nothing behind");
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      ByteBuffer dst = ByteBuffer.allocate(chunk);
      int bodyStart = -1;
      int length = 0;
      while (true) {
        int n;
        while ((n = transport.read(dst)) > 0) {
          assertEquals(n, dst.position());
          received.write(dst.array(), 0, n);
          dst.clear();
          if (bodyStart < 0) {
            String text = received.toString(US_ASCII);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
              assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text.substring(0, headEnd));
              bodyStart = headEnd + 4;
              length = Integer.parseInt(header(text.substring(0, headEnd), "content-length"));
            }
          }
          if (bodyStart >= 0 && received.size() >= bodyStart + length) {
            assertEquals(bodyStart + length, received.size(), "nothing beyond the response");
            return Arrays.copyOfRange(received.toByteArray(), bodyStart, bodyStart + length);
          }
        }
        assertTrue(n == 0, "the response ended early");
        awaitReadable();
      }
    }

    void awaitEnd() throws IOException {
      ByteBuffer dst = ByteBuffer.allocate(100);
      int n;
      while ((n = transport.read(dst)) == 0) {
        awaitReadable();
      }
      assertEquals(-1, n, "nothing comes after the response");
    }

    /** Waits for bytes, and meanwhile sends what the transport owes the peer (e.g. a KeyUpdate's answer). */
    private void awaitReadable() throws IOException {
      if (transport.wantsWrite()) {
        await(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
        transport.write(ByteBuffer.allocate(0));
      } else {
        await(SelectionKey.OP_READ);
      }
    }

    private void await(int ops) throws IOException {
      key.interestOps(ops);
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          fail("timed out waiting for " + (ops == SelectionKey.OP_READ ? "OP_READ" : "ops " + ops));
        }
        selector.select(left);
        boolean ready = selector.selectedKeys().remove(key) && (key.readyOps() & ops) != 0;
        if (ready) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      transport.close();
      assertFalse(channel.isOpen());
      selector.close();
    }
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static byte[] get(int size) {
    return get("/bytes/", size);
  }

  private static byte[] get(String path, int size) {
    return ("GET " + path + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(US_ASCII);
  }

  private static byte[] post(byte[] body) {
    byte[] head = ("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(US_ASCII);
    byte[] request = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  private static byte[] payload(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the server: blocking SSLSockets on their own threads ----

  enum Ending { KEEP_ALIVE, CLOSE_NOTIFY, FIN }

  /** Answers GET /bytes/N with N bytes and POST /echo with its body; a thread per connection. */
  private static final class Server implements AutoCloseable {
    final ServerSocket listener = new ServerSocket();
    final SSLContext context;
    final String protocol;
    final Ending ending;
    final boolean keyUpdate;
    final List<Thread> threads = new ArrayList<>();
    final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<List<SNIServerName>> serverNames = new ConcurrentLinkedQueue<>();
    volatile boolean failuresExpected;

    Server(KeyStore pair, String protocol, Ending ending, boolean keyUpdate) throws Exception {
      context = keys.server(pair);
      this.protocol = protocol;
      this.ending = ending;
      this.keyUpdate = keyUpdate;
      listener.setReceiveBufferSize(4096);
      listener.bind(new InetSocketAddress(LOOPBACK, 0));
      start(this::accept);
    }

    int port() {
      return listener.getLocalPort();
    }

    synchronized int connections() {
      return threads.size() - 1;
    }

    void expectFailures() {
      failuresExpected = true;
    }

    private synchronized void start(Runnable body) {
      Thread thread = new Thread(body, "tls-test-server");
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }

    private void accept() {
      try {
        while (true) {
          Socket raw = listener.accept();
          sockets.add(raw);
          start(() -> serve(raw));
        }
      } catch (IOException closed) {
        // the listener closed: the test is over
      }
    }

    private void serve(Socket raw) {
      try {
        raw.setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
        raw.setTcpNoDelay(true); // small records go out as written, as a streaming server sends them
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, null, true);
        SSLParameters params = tls.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        params.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(params);
        tls.startHandshake();
        serverNames.add(((ExtendedSSLSession) tls.getSession()).getRequestedServerNames());
        InputStream in = new BufferedInputStream(tls.getInputStream());
        OutputStream out = tls.getOutputStream();
        for (String head; (head = readHead(in)) != null; ) {
          String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
          byte[] body = path.equals("/echo")
              ? in.readNBytes(Integer.parseInt(header(head, "content-length")))
              : payload(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(US_ASCII));
          // each write is a record of its own: /pieces/ sends small ones, as a token stream does
          int piece = path.startsWith("/pieces/") ? 100 : Math.max(1, (body.length + 1) / 2);
          int keyUpdateAt = keyUpdate ? body.length / 2 / piece * piece : -1;
          for (int at = 0; at < body.length; at += piece) {
            if (at == keyUpdateAt) {
              tls.startHandshake(); // on a TLS 1.3 connection: a KeyUpdate, asking the peer for one too
            }
            out.write(body, at, Math.min(piece, body.length - at));
          }
          out.flush();
          if (ending == Ending.CLOSE_NOTIFY) {
            tls.close();
            return;
          } else if (ending == Ending.FIN) {
            raw.close(); // under the TLS layer: no close_notify
            return;
          }
        }
        tls.close();
      } catch (IOException | RuntimeException | AssertionError e) {
        failures.add(e);
      }
    }

    /** A request's head, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      for (int b; (b = in.read()) >= 0; ) {
        head.write(b);
        if (head.size() >= 4 && new String(head.toByteArray(), US_ASCII).endsWith("\r\n\r\n")) {
          return head.toString(US_ASCII);
        }
      }
      assertEquals(0, head.size(), "the stream ended within a request");
      return null;
    }

    @Override
    public void close() throws IOException {
      listener.close();
      List<Thread> all;
      synchronized (this) {
        all = List.copyOf(threads);
      }
      for (Thread thread : all) {
        try {
          thread.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while the server stopped");
        }
      }
      for (Socket socket : sockets) {
        socket.close();
      }
      if (failuresExpected) {
        assertFalse(failures.isEmpty(), "the server saw the handshake fail too");
      } else if (!failures.isEmpty()) {
        AssertionError error = new AssertionError("the server failed: " + failures.peek(), failures.peek());
        failures.stream().skip(1).forEach(error::addSuppressed);
        throw error;
      }
    }
  }
}
