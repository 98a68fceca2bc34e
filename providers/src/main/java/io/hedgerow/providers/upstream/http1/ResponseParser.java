package io.hedgerow.providers.upstream.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one HTTP/1.1 response at a time from the bytes a connection receives: the status line and
 * headers, then a body framed by Content-Length, by chunked transfer coding, or by the end of the
 * connection. Body bytes are handed on as they arrive; nothing is buffered past the head.
 */
final class ResponseParser {
  /** What the parser found. Called on the connection's IO thread. */
  interface Sink {
    void onHead(ResponseHead head);

    /** A slice of the body, valid only during the call. */
    void onBody(ByteBuffer bytes);

    void onEnd();
  }

  /** Largest status line plus headers read: more is not a response a provider sends. */
  static final int MAX_HEAD_BYTES = 64 * 1024;
  private static final int MAX_LINE = 16 * 1024;

  private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, DONE }

  private final int maxHeadBytes;
  private byte[] line = new byte[128];
  private int lineLength;
  private State state = State.HEAD;
  private long remaining;
  private String statusLine;
  private final List<String[]> headers = new ArrayList<>();
  private int headBytes;
  private boolean headRequestSent;
  private boolean reusable;

  ResponseParser(int maxHeadBytes) {
    this.maxHeadBytes = maxHeadBytes;
  }

  /** Starts on the next response; {@code noBody} for a response that cannot carry one (never, for POST). */
  void reset(boolean noBody) {
    state = State.HEAD;
    lineLength = 0;
    headBytes = 0;
    statusLine = null;
    headers.clear();
    headRequestSent = noBody;
    reusable = false;
  }

  /** Whether the connection may carry another request once this response is done. */
  boolean reusable() {
    return reusable;
  }

  /**
   * Consumes bytes up to the end of the current response (any bytes after it stay in {@code in}).
   *
   * @throws MalformedResponseException when the bytes are not an HTTP/1.1 response
   */
  void feed(ByteBuffer in, Sink sink) throws MalformedResponseException {
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case HEAD -> {
          String text = readLine(in);
          if (text == null) return;
          head(text, sink);
        }
        case FIXED -> {
          int n = (int) Math.min(remaining, in.remaining());
          deliver(in, n, sink);
          remaining -= n;
          if (remaining == 0) finish(sink);
        }
        case UNTIL_CLOSE -> deliver(in, in.remaining(), sink);
        case CHUNK_SIZE -> {
          String text = readLine(in);
          if (text == null) return;
          remaining = chunkSize(text);
          state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.remaining());
          deliver(in, n, sink);
          remaining -= n;
          if (remaining == 0) state = State.CHUNK_END;
        }
        case CHUNK_END -> {
          String text = readLine(in);
          if (text == null) return;
          if (!text.isEmpty()) throw new MalformedResponseException("chunk not followed by CRLF");
          state = State.CHUNK_SIZE;
        }
        case TRAILERS -> {
          String text = readLine(in);
          if (text == null) return;
          if (text.isEmpty()) finish(sink);
        }
        case DONE -> { }
      }
    }
  }

  /**
   * The connection reached its end of stream: completes a body that runs until then.
   *
   * @throws MalformedResponseException when the response was cut short
   */
  void endOfStream(Sink sink) throws MalformedResponseException {
    if (state == State.UNTIL_CLOSE) {
      reusable = false;
      finish(sink);
      return;
    }
    if (state != State.DONE) throw new MalformedResponseException("connection closed mid-response");
  }

  private void head(String text, Sink sink) throws MalformedResponseException {
    if (statusLine == null) {
      if (text.isEmpty()) return; // tolerate a stray CRLF before the status line
      if (!text.startsWith("HTTP/1.")) throw new MalformedResponseException("not an HTTP/1.x status line");
      statusLine = text;
      return;
    }
    if (!text.isEmpty()) {
      int colon = text.indexOf(':');
      if (colon <= 0) throw new MalformedResponseException("header line without a name");
      headers.add(new String[] {text.substring(0, colon).trim(), text.substring(colon + 1).trim()});
      return;
    }
    int status = status(statusLine);
    if (status >= 100 && status < 200) { // an interim response (100 Continue, 103 Early Hints): the real one follows
      reset(headRequestSent);
      return;
    }
    ResponseHead head = new ResponseHead(status, reason(statusLine), List.copyOf(headers));
    boolean http10 = statusLine.startsWith("HTTP/1.0");
    String connection = head.header("connection").orElse("");
    reusable = http10 ? connection.equalsIgnoreCase("keep-alive") : !connection.equalsIgnoreCase("close");
    sink.onHead(head);
    String encoding = head.header("transfer-encoding").orElse("");
    String length = head.header("content-length").orElse(null);
    if (headRequestSent || status == 204 || status == 304) {
      finish(sink);
    } else if (!encoding.isEmpty()) {
      if (!encoding.toLowerCase().endsWith("chunked")) {
        reusable = false;
        state = State.UNTIL_CLOSE;
      } else {
        state = State.CHUNK_SIZE;
      }
    } else if (length != null) {
      try {
        remaining = Long.parseLong(length);
      } catch (NumberFormatException e) {
        throw new MalformedResponseException("bad Content-Length");
      }
      if (remaining < 0) throw new MalformedResponseException("bad Content-Length");
      if (remaining == 0) finish(sink);
      else state = State.FIXED;
    } else {
      reusable = false;
      state = State.UNTIL_CLOSE;
    }
  }

  private void finish(Sink sink) {
    state = State.DONE;
    sink.onEnd();
  }

  private static void deliver(ByteBuffer in, int n, ResponseParser.Sink sink) {
    if (n == 0) return;
    int limit = in.limit();
    in.limit(in.position() + n);
    ByteBuffer slice = in.slice();
    in.position(in.limit()).limit(limit);
    sink.onBody(slice);
  }

  /** The next CRLF- (or LF-) terminated line, or null when it has not fully arrived yet. */
  private String readLine(ByteBuffer in) throws MalformedResponseException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (state == State.HEAD && ++headBytes > maxHeadBytes) {
        throw new MalformedResponseException("response head larger than " + maxHeadBytes + " bytes");
      }
      if (b == '\n') {
        int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        String text = new String(line, 0, end, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        return text;
      }
      if (lineLength == line.length) {
        if (lineLength >= MAX_LINE) throw new MalformedResponseException("line longer than " + MAX_LINE + " bytes");
        line = Arrays.copyOf(line, Math.min(MAX_LINE, lineLength * 2));
      }
      line[lineLength++] = b;
    }
    return null;
  }

  private static int status(String statusLine) throws MalformedResponseException {
    int space = statusLine.indexOf(' ');
    if (space < 0 || statusLine.length() < space + 4) throw new MalformedResponseException("status line without a code");
    int code = 0;
    for (int i = space + 1; i < space + 4; i++) {
      char c = statusLine.charAt(i);
      if (c < '0' || c > '9') throw new MalformedResponseException("status code not a number");
      code = code * 10 + (c - '0');
    }
    if (code < 100) throw new MalformedResponseException("status code out of range");
    return code;
  }

  private static String reason(String statusLine) {
    int space = statusLine.indexOf(' ');
    return statusLine.length() > space + 5 ? statusLine.substring(space + 5) : "";
  }

  private static long chunkSize(String text) throws MalformedResponseException {
    int end = text.indexOf(';');
    String hex = (end < 0 ? text : text.substring(0, end)).trim();
    if (hex.isEmpty() || hex.length() > 15) throw new MalformedResponseException("bad chunk size");
    try {
      long size = Long.parseLong(hex, 16);
      if (size < 0) throw new MalformedResponseException("bad chunk size");
      return size;
    } catch (NumberFormatException e) {
      throw new MalformedResponseException("bad chunk size");
    }
  }
}
