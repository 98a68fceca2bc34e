package io.hedgerow.providers.upstream.http1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP origin that answers each request on each connection with whatever its script writes,
 * byte for byte: the way to show the client malformed, cut-short or unusual responses.
 */
final class ScriptedOrigin implements AutoCloseable {
  /** Answers one request; returning false closes the connection. */
  interface Script {
    boolean answer(int connection, String request, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final Script script;
  final AtomicInteger connections = new AtomicInteger();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.Semaphore clientCloses = new java.util.concurrent.Semaphore(0);

  ScriptedOrigin(Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    Thread acceptor = new Thread(this::accept, "scripted-origin");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        int index = connections.incrementAndGet();
        Thread t = new Thread(() -> serve(socket, index), "scripted-origin-" + index);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket, int index) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        String request = readRequest(in);
        if (request == null) {
          clientCloses.release();
          return;
        }
        requests.add(request);
        if (!script.answer(index, request, out)) return;
        out.flush();
      }
    } catch (IOException e) {
      // the client went away: nothing to do
    }
  }

  /** The request head and body as text, or null at the end of the stream. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
    }
    if (b < 0) return null;
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    byte[] body = in.readNBytes(length);
    return text + new String(body, StandardCharsets.UTF_8);
  }

  /** Whether a connection was closed by the client (its end of stream read here) within the timeout. */
  boolean awaitClientClose(long seconds) throws InterruptedException {
    return clientCloses.tryAcquire(seconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
  }
}
