package io.hedgerow.router.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 client connection written and read by hand, so a test decides every byte and every socket
 * call. Reads answers with a Content-Length or chunked bodies.
 */
final class RawClient implements AutoCloseable {
  final Socket socket;
  private final InputStream in;

  RawClient(int port) throws IOException {
    this(port, 0);
  }

  /** With {@code receiveBufferBytes} > 0, a socket that takes at most about that much before it is read. */
  RawClient(int port, int receiveBufferBytes) throws IOException {
    socket = new Socket();
    if (receiveBufferBytes > 0) socket.setReceiveBufferSize(receiveBufferBytes);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  static String post(String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** The status line and headers of the next answer, up to the blank line. */
  String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) throw new IOException("connection closed in the head: " + head);
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  Response readResponse() throws IOException {
    String head = readHead();
    int status = Integer.parseInt(head.substring(9, 12));
    String lower = head.toLowerCase(Locale.ROOT);
    if (lower.contains("transfer-encoding: chunked")) return new Response(status, head, readChunked());
    int at = lower.indexOf("content-length:");
    if (at < 0) return new Response(status, head, new byte[0]);
    int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
    return new Response(status, head, in.readNBytes(length));
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
      if (size == 0) {
        readLine();
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) throw new IOException("connection closed in a chunk");
      if (b != '\r') line.append((char) b);
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  record Response(int status, String head, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
