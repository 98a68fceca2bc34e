package io.hedgerow.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The driver of the concurrent-streams benchmark ({@code load-tests/bench/streams.sh}): opens {@code streams}
 * streamed chat completions over as many HTTP/1.1 connections, ramped evenly over {@code ramp} seconds, and
 * holds them all open at once, with one thread and one NIO selector, so that 10,000 streams cost the driver
 * a few megabytes and no threads.
 *
 * <p>Each response must be {@code 200} with a chunked {@code text/event-stream} body whose last event is
 * {@code data: [DONE]} and that carries no error frame ({@code data: {"error": ...}}); anything else (a
 * refused or dropped connection, another status, a body cut before its last chunk, an error frame, no
 * {@code [DONE]}, or a stream longer than {@code timeout} seconds) counts as an error, by kind.
 *
 * <p>Properties: {@code url} (http://127.0.0.1:8080/v1/chat/completions), {@code body} (request JSON),
 * {@code streams} (1000), {@code ramp} (seconds, 10), {@code timeout} (seconds one stream may take, 180).
 * While running it prints {@code PROGRESS} lines every 5 s, and {@code HOLDING ...} once, as soon as every
 * stream has either failed or received its first event while none has ended yet or since (the moment to
 * measure the server: all streams are open at once). At the end it prints {@code RESULT streams=.. ok=..
 * errors=.. peak_open=.. peak_streaming=.. ttft_p50_ms=.. ttft_p99_ms=.. dur_p50_s=.. dur_p99_s=..
 * dur_max_s=.. events_p50=.. error_kinds=kind:count,...}: {@code peak_open} counts connections open at
 * once, {@code peak_streaming} responses that had their first event and had not ended, at once.
 */
public final class StreamHoldDriver {
  private StreamHoldDriver() {}

  private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERROR_FRAME = "data: {\"error\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

  public static void main(String[] args) throws Exception {
    URI url = URI.create(System.getProperty("url", "http://127.0.0.1:8080/v1/chat/completions"));
    String body = System.getProperty("body",
        "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    int streams = Integer.parseInt(System.getProperty("streams", "1000"));
    double rampSeconds = Double.parseDouble(System.getProperty("ramp", "10"));
    long timeoutNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(System.getProperty("timeout", "180")));

    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] request = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
        + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: " + bodyBytes.length
        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());

    Stream[] all = new Stream[streams];
    Selector selector = Selector.open();
    ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    long start = System.nanoTime();
    long rampNanos = (long) (rampSeconds * 1e9);
    // Everything must be over by then, whatever the server does: the ramp, one stream's timeout, a margin.
    long hardEnd = start + rampNanos + timeoutNanos + TimeUnit.SECONDS.toNanos(10);
    int opened = 0;
    int ended = 0;
    int open = 0;
    int streaming = 0;
    int peakOpen = 0;
    int peakStreaming = 0;
    int errors = 0;
    boolean holdingPrinted = false;
    long nextProgress = start + TimeUnit.SECONDS.toNanos(5);
    int okEnded = 0;

    while (ended < streams && System.nanoTime() < hardEnd) {
      long now = System.nanoTime();
      // open every stream whose time has come
      while (opened < streams && now >= start + rampNanos * opened / Math.max(1, streams)) {
        Stream s = new Stream(opened, now);
        all[opened++] = s;
        try {
          s.channel = SocketChannel.open();
          s.channel.configureBlocking(false);
          s.channel.socket().setTcpNoDelay(true);
          if (s.channel.connect(address)) {
            s.connected(selector, request);
          } else {
            s.channel.register(selector, SelectionKey.OP_CONNECT, s);
          }
          open++;
        } catch (IOException e) {
          s.fail("connect:" + e.getClass().getSimpleName(), now);
          ended++;
          errors++;
          if (s.channel != null) s.channel.close();
        }
      }
      peakOpen = Math.max(peakOpen, open);

      long waitMillis = 100;
      if (opened < streams) {
        long due = start + rampNanos * opened / streams;
        waitMillis = Math.max(1, Math.min(waitMillis, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));
      }
      selector.select(waitMillis);
      now = System.nanoTime();
      for (SelectionKey key : selector.selectedKeys()) {
        Stream s = (Stream) key.attachment();
        if (s.result != null) continue;
        try {
          if (key.isConnectable()) {
            s.channel.finishConnect();
            s.connected(selector, request);
          } else if (key.isWritable()) {
            s.write();
          } else if (key.isReadable()) {
            readBuffer.clear();
            int n = s.channel.read(readBuffer);
            if (n < 0) {
              s.fail(s.headersDone ? "eof_mid_body" : "eof_before_headers", now);
            } else {
              readBuffer.flip();
              s.parse(readBuffer, now);
            }
          }
        } catch (IOException e) {
          s.fail((s.headersDone ? "io_mid_body:" : "io:") + e.getClass().getSimpleName(), now);
        }
        if (!s.counted && s.firstEvent > 0 && s.result == null) {
          s.counted = true;
          streaming++;
        }
        if (s.result != null) {
          key.cancel();
          closeQuietly(s.channel);
          open--;
          ended++;
          if (s.counted) streaming--;
          if (!"ok".equals(s.result)) errors++;
          if ("ok".equals(s.result)) okEnded++;
        }
      }
      selector.selectedKeys().clear();
      peakStreaming = Math.max(peakStreaming, streaming);

      // time out streams that took too long (checked once per loop: cheap enough at 10k)
      if (now - start > timeoutNanos) {
        for (int i = 0; i < opened; i++) {
          Stream s = all[i];
          if (s.result == null && now - s.opened > timeoutNanos) {
            s.fail(s.headersDone ? "timeout_mid_body" : "timeout_before_headers", now);
            if (s.key != null) s.key.cancel();
            closeQuietly(s.channel);
            open--;
            ended++;
            errors++;
            if (s.counted) streaming--;
          }
        }
      }

      if (!holdingPrinted && okEnded > 0) {
        // a stream finished before the last one got going: the drip is too short for the ramp
        holdingPrinted = true;
        System.out.printf(Locale.ROOT, "HOLDING streaming=%d errors=%d at_s=%.1f partial%n", streaming, errors,
            (now - start) / 1e9);
        System.out.flush();
      } else if (!holdingPrinted && opened == streams && open == streaming) {
        holdingPrinted = true;
        System.out.printf(Locale.ROOT, "HOLDING streaming=%d errors=%d at_s=%.1f%n", streaming, errors,
            (now - start) / 1e9);
        System.out.flush();
      }
      if (now >= nextProgress) {
        nextProgress += TimeUnit.SECONDS.toNanos(5);
        System.err.printf(Locale.ROOT, "PROGRESS t=%.0fs opened=%d open=%d streaming=%d ended=%d errors=%d%n",
            (now - start) / 1e9, opened, open, streaming, ended, errors);
      }
    }

    long now = System.nanoTime();
    for (int i = 0; i < opened; i++) {
      if (all[i].result == null) {
        all[i].fail("unfinished", now);
        closeQuietly(all[i].channel);
        errors++;
      }
    }
    Map<String, Integer> kinds = new TreeMap<>();
    List<Long> ttfts = new ArrayList<>();
    List<Long> durations = new ArrayList<>();
    List<Long> events = new ArrayList<>();
    int ok = 0;
    for (int i = 0; i < opened; i++) {
      Stream s = all[i];
      if ("ok".equals(s.result)) {
        ok++;
        ttfts.add(s.firstEvent - s.opened);
        durations.add(s.ended - s.opened);
        events.add((long) s.events);
      } else {
        kinds.merge(s.result, 1, Integer::sum);
      }
    }
    StringBuilder errorKinds = new StringBuilder();
    kinds.forEach((k, v) -> errorKinds.append(errorKinds.length() == 0 ? "" : ",").append(k).append(':').append(v));
    System.out.println(String.format(Locale.ROOT,
        "RESULT streams=%d ok=%d errors=%d peak_open=%d peak_streaming=%d ttft_p50_ms=%.0f ttft_p99_ms=%.0f "
            + "dur_p50_s=%.1f dur_p99_s=%.1f dur_max_s=%.1f events_p50=%d error_kinds=%s",
        streams, ok, streams - ok, peakOpen, peakStreaming,
        percentile(ttfts, 50) / 1e6, percentile(ttfts, 99) / 1e6,
        percentile(durations, 50) / 1e9, percentile(durations, 99) / 1e9, percentile(durations, 100) / 1e9,
        percentile(events, 50), errorKinds.length() == 0 ? "-" : errorKinds));
    System.exit(0);
  }

  private static long percentile(List<Long> values, double p) {
    if (values.isEmpty()) return 0;
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** One streamed request on its own connection, and an incremental parser for its chunked SSE response. */
  private static final class Stream {
    final int index;
    final long opened;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer pendingWrite;
    long firstEvent;
    long ended;
    int events;
    String result;
    boolean counted;  // included in the driver's count of streams under way

    // response parsing
    boolean headersDone;
    private final StringBuilder headerLine = new StringBuilder();
    private int status;
    private boolean chunked;
    private boolean firstHeaderLine = true;
    private long chunkRemaining = -1;  // -1: reading a chunk-size line
    private boolean chunkCrlf;         // the CRLF after a chunk's data is next
    private final StringBuilder sizeLine = new StringBuilder();
    private boolean lastChunk;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean sawDone;
    private boolean sawError;
    private boolean eventAfterDone;

    Stream(int index, long opened) {
      this.index = index;
      this.opened = opened;
    }

    void connected(Selector selector, byte[] request) throws IOException {
      pendingWrite = ByteBuffer.wrap(request);
      key = channel.register(selector, SelectionKey.OP_READ, this);
      write();
    }

    void write() throws IOException {
      channel.write(pendingWrite);
      key.interestOps(pendingWrite.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void fail(String kind, long now) {
      if (result == null) {
        result = kind;
        ended = now;
      }
    }

    void parse(ByteBuffer buf, long now) {
      while (buf.hasRemaining() && result == null) {
        if (!headersDone) {
          byte b = buf.get();
          if (b == '\n') {
            String h = headerLine.toString().trim();
            headerLine.setLength(0);
            if (firstHeaderLine) {
              firstHeaderLine = false;
              String[] parts = h.split(" ");
              status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            } else if (h.isEmpty()) {
              headersDone = true;
              if (status != 200) {
                fail("status_" + status, now);
              } else if (!chunked) {
                fail("not_chunked", now);
              }
            } else if (h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")
                && h.toLowerCase(Locale.ROOT).contains("chunked")) {
              chunked = true;
            }
          } else if (b != '\r') {
            headerLine.append((char) b);
          }
        } else if (lastChunk) {
          // the (empty) trailer: the body ends at the blank line after the last chunk
          byte b = buf.get();
          if (b == '\n') finish(now);
        } else if (chunkCrlf) {
          byte b = buf.get();
          if (b == '\n') chunkCrlf = false;
        } else if (chunkRemaining < 0) {
          byte b = buf.get();
          if (b == '\n') {
            String size = sizeLine.toString().trim();
            sizeLine.setLength(0);
            int semicolon = size.indexOf(';');
            chunkRemaining = Long.parseLong(semicolon >= 0 ? size.substring(0, semicolon) : size, 16);
            if (chunkRemaining == 0) lastChunk = true;
          } else if (b != '\r') {
            sizeLine.append((char) b);
          }
        } else {
          int n = (int) Math.min(chunkRemaining, buf.remaining());
          for (int i = 0; i < n; i++) bodyByte(buf.get(), now);
          chunkRemaining -= n;
          if (chunkRemaining == 0) {
            chunkRemaining = -1;
            chunkCrlf = true;
          }
        }
      }
    }

    /** SSE lines: counts events, notes the first one's time, [DONE] and error frames. */
    private void bodyByte(byte b, long now) {
      if (b == '\n') {
        if (startsWith(DATA)) {
          events++;
          if (firstEvent == 0) firstEvent = now;
          if (sawDone) eventAfterDone = true;
          if (startsWith(DONE)) sawDone = true;
          if (startsWith(ERROR_FRAME)) sawError = true;
        }
        lineLength = 0;
      } else if (b != '\r') {
        if (lineLength == line.length) line = Arrays.copyOf(line, line.length * 2);
        line[lineLength++] = b;
      }
    }

    private boolean startsWith(byte[] prefix) {
      if (lineLength < prefix.length) return false;
      for (int i = 0; i < prefix.length; i++) {
        if (line[i] != prefix[i]) return false;
      }
      return true;
    }

    private void finish(long now) {
      if (sawError) fail("error_frame", now);
      else if (!sawDone) fail("no_done", now);
      else if (eventAfterDone) fail("event_after_done", now);
      else fail("ok", now);
    }
  }
}
