package io.hedgerow.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load generator of the overhead benchmark ({@code load-tests/bench/overhead.sh}): a minimal HTTP/1.1
 * client over plain keep-alive sockets, one thread per connection, so that its own cost is small and the
 * same whichever server it drives.
 *
 * <ul>
 *   <li>{@code mode=rate}: an open model. Connection {@code i} of {@code c} sends request {@code k} at
 *       {@code start + (k * c + i) / rate}; latency is measured from that intended time, so a stalled
 *       server (or driver) is counted, not hidden (no coordinated omission, as in wrk2).</li>
 *   <li>{@code mode=sat}: a closed loop, every connection sending its next request as soon as the last
 *       one is answered, to find requests per second at saturation.</li>
 * </ul>
 *
 * <p>Every connection is opened, and answers one request, before the schedule starts: the latencies are
 * those of requests on established keep-alive connections, as an SDK's connection pool sends them. The
 * primer requests (all connections opened at once, connect to last byte) are reported on their own as
 * {@code first_p50_us} and {@code first_max_us}: opening a connection is a cost of its own, and inside the
 * schedule it would land on the first request of each connection, the top percent of a ten-second run.
 *
 * <p>Latency is to the last byte of the response; for {@code stream=true}, TTFC (time to the first body
 * byte after the headers, i.e. the first SSE chunk) is recorded too. Properties: {@code url}
 * (http://127.0.0.1:8080/v1/chat/completions), {@code body} (request JSON), {@code stream} (false),
 * {@code mode} (rate), {@code rate} (500), {@code duration} (seconds, 10), {@code connections} (32), and
 * {@code mode=wakeup} measures the machine instead (see {@link #wakeups}). {@code trace} (a file; when set, every answered request's intended start, as wall-clock microseconds, its
 * latency and its TTFC in microseconds (0 unless {@code stream}) and its connection are written there, one
 * request a line: to pool the requests of several runs, or to find out when the slow ones happened, e.g.
 * against a GC log written with {@code -Xlog:gc:file=..:time}).
 * Prints one line: {@code RESULT requests=.. errors=.. unsent=.. rps=.. p50_us=.. p99_us=.. p999_us=.. max_us=..
 * ttfc_p50_us=.. ttfc_p99_us=.. first_p50_us=.. first_max_us=..}.
 */
public final class OverheadDriver {
  private OverheadDriver() {}

  public static void main(String[] args) throws Exception {
    java.net.URI url = java.net.URI.create(System.getProperty("url", "http://127.0.0.1:8080/v1/chat/completions"));
    String body = System.getProperty("body", "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    boolean stream = Boolean.parseBoolean(System.getProperty("stream", "false"));
    boolean sat = "sat".equals(System.getProperty("mode", "rate"));
    double rate = Double.parseDouble(System.getProperty("rate", "500"));
    long durationNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(System.getProperty("duration", "10")));
    int connections = Integer.parseInt(System.getProperty("connections", "32"));
    if ("wakeup".equals(System.getProperty("mode"))) {
      wakeups(durationNanos);
      return;
    }
    String trace = System.getProperty("trace");
    long wallOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    long[][] traces = new long[connections][];

    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] request = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
        + "\r\nContent-Type: application/json\r\nAccept: " + (stream ? "text/event-stream" : "application/json")
        + "\r\nContent-Length: " + bodyBytes.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);

    Recorder latency = new Recorder(3);
    Recorder ttfc = new Recorder(3);
    Recorder firstOnConnection = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong unsent = new AtomicLong();
    // Set by the last connection primed (or failed to prime); no thread reads it before then.
    long[] schedule = new long[1];
    CyclicBarrier primed = new CyclicBarrier(connections,
        () -> schedule[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    double intervalNanos = 1e9 / rate;

    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      final int index = i;
      Thread t = new Thread(() -> {
        Conn conn = null;
        try {
          long opened = System.nanoTime();
          conn = new Conn(url.getHost(), url.getPort());
          conn.exchange(request);
          firstOnConnection.recordValue(Math.max(1, (System.nanoTime() - opened) / 1000));
          if (conn.closeAfter) { conn.close(); conn = null; }
        } catch (IOException | RuntimeException e) {
          if (errors.incrementAndGet() <= 3) System.err.println("error priming: " + e);
          if (conn != null) { conn.close(); conn = null; }
        }
        try {
          primed.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("priming did not finish: " + e);
          return;
        }
        long start = schedule[0];
        long end = start + durationNanos;
        // A server that falls behind the schedule gets this long after the end to catch up; requests still
        // not sent by then are reported as unsent (their latency would be at least this long).
        long drainLimit = end + TimeUnit.SECONDS.toNanos(10);
        long k = 0;
        long[] mine = trace == null ? null : new long[3 * (int) Math.min(1 << 20, durationNanos / intervalNanos / connections + 16)];
        int traced = 0;
        while (true) {
          long intended;
          if (sat) {
            intended = System.nanoTime();
            if (intended >= end) break;
          } else {
            intended = start + (long) ((k * connections + index) * intervalNanos);
            if (intended >= end) break;
            if (System.nanoTime() > drainLimit) {
              unsent.addAndGet((long) Math.ceil((end - intended) / (intervalNanos * connections)));
              break;
            }
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
          }
          k++;
          try {
            if (conn == null) conn = new Conn(url.getHost(), url.getPort());
            long first = conn.exchange(request);
            long now = System.nanoTime();
            latency.recordValue(Math.max(1, (now - intended) / 1000));
            if (stream) ttfc.recordValue(Math.max(1, (first - intended) / 1000));
            if (mine != null && traced + 3 <= mine.length) {
              mine[traced++] = intended;
              mine[traced++] = now - intended;
              mine[traced++] = stream ? first - intended : 0;
            }
            ok.incrementAndGet();
            if (conn.closeAfter) { conn.close(); conn = null; }
          } catch (IOException | RuntimeException e) {
            if (errors.incrementAndGet() <= 3) System.err.println("error: " + e);
            if (conn != null) { conn.close(); conn = null; }
          }
        }
        if (conn != null) conn.close();
        if (mine != null) traces[index] = java.util.Arrays.copyOf(mine, traced);
      }, "driver-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    // bounded: priming waits at most 30 s, socket timeouts are 10 s, the drain 10 s past the end
    long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30 + 12 + 10) + durationNanos;
    for (Thread t : threads) t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
    if (trace != null) writeTrace(trace, traces, wallOffsetNanos);
    long start = schedule[0];
    double seconds = start == 0 ? 1 : (Math.max(System.nanoTime(), start + durationNanos) - start) / 1e9;
    Histogram lat = latency.getIntervalHistogram();
    Histogram first = ttfc.getIntervalHistogram();
    Histogram opening = firstOnConnection.getIntervalHistogram();
    System.out.println(String.format(Locale.ROOT,
        "RESULT requests=%d errors=%d unsent=%d rps=%.0f p50_us=%d p99_us=%d p999_us=%d max_us=%d ttfc_p50_us=%d ttfc_p99_us=%d"
            + " first_p50_us=%d first_max_us=%d",
        ok.get(), errors.get(), unsent.get(), ok.get() / (sat ? durationNanos / 1e9 : seconds),
        lat.getValueAtPercentile(50), lat.getValueAtPercentile(99), lat.getValueAtPercentile(99.9), lat.getMaxValue(),
        first.getValueAtPercentile(50), first.getValueAtPercentile(99),
        opening.getValueAtPercentile(50), opening.getMaxValue()));
    System.exit(0);
  }

  /**
   * {@code mode=wakeup}: no server, the machine alone. One thread sleeps half a millisecond at a time for the
   * duration and records how late it wakes: the floor under every latency tail measured here, since each hop
   * of a request wakes a sleeping thread (on a VM, one whose CPU the hypervisor may have let go).
   */
  private static void wakeups(long durationNanos) {
    Histogram late = new Histogram(3);
    long end = System.nanoTime() + durationNanos;
    for (long before; (before = System.nanoTime()) < end; ) {
      LockSupport.parkNanos(500_000);
      late.recordValue(Math.max(1, (System.nanoTime() - before - 500_000) / 1000));
    }
    System.out.println(String.format(Locale.ROOT, "RESULT wakeups=%d late_p50_us=%d late_p99_us=%d late_max_us=%d late_over_1ms=%d",
        late.getTotalCount(), late.getValueAtPercentile(50), late.getValueAtPercentile(99), late.getMaxValue(),
        late.getTotalCount() - late.getCountBetweenValues(0, 1000)));
  }

  private static void writeTrace(String path, long[][] traces, long wallOffsetNanos) throws IOException {
    try (java.io.PrintWriter w = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(path)))) {
      w.println("intended_wall_us latency_us ttfc_us connection");
      for (int c = 0; c < traces.length; c++) {
        long[] t = traces[c];
        if (t == null) continue;
        for (int i = 0; i + 2 < t.length; i += 3) {
          w.println((t[i] + wallOffsetNanos) / 1000 + " " + t[i + 1] / 1000 + " " + t[i + 2] / 1000 + " " + c);
        }
      }
    }
  }

  /** One keep-alive HTTP/1.1 connection; reads Content-Length and chunked bodies. */
  private static final class Conn {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    boolean closeAfter;

    Conn(String host, int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress(host, port), 5_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    /** Sends the request, reads the whole response; returns System.nanoTime() of the first body byte. */
    long exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String status = line();
      if (!status.startsWith("HTTP/1.1 200")) throw new IOException("status: " + status);
      long contentLength = -1;
      boolean chunked = false;
      closeAfter = false;
      for (String h; !(h = line()).isEmpty(); ) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) contentLength = Long.parseLong(lower.substring(15).trim());
        else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        else if (lower.startsWith("connection:") && lower.contains("close")) closeAfter = true;
      }
      long first = 0;
      if (chunked) {
        while (true) {
          String size = line();
          int semi = size.indexOf(';');
          long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
          if (n == 0) { while (!line().isEmpty()) { } break; }
          if (first == 0) { in.mark(1); if (in.read() < 0) throw new IOException("eof"); first = System.nanoTime(); in.reset(); }
          skip(n);
          line();
        }
      } else if (contentLength >= 0) {
        if (contentLength > 0) { in.mark(1); if (in.read() < 0) throw new IOException("eof"); first = System.nanoTime(); in.reset(); }
        skip(contentLength);
      } else {
        throw new IOException("no content-length and not chunked");
      }
      return first == 0 ? System.nanoTime() : first;
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long s = in.skip(n);
        if (s <= 0) { if (in.read() < 0) throw new IOException("eof in body"); s = 1; }
        n -= s;
      }
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder(64);
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) throw new IOException("eof");
        if (c != '\r') sb.append((char) c);
        if (sb.length() > 65536) throw new IOException("line too long");
      }
      return sb.toString();
    }

    void close() {
      try { socket.close(); } catch (IOException ignored) { }
    }
  }
}
