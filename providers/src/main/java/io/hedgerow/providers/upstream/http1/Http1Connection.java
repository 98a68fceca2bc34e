package io.hedgerow.providers.upstream.http1;

import io.hedgerow.providers.loop.EventLoop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One keep-alive HTTP/1.1 connection to an origin, carrying one request at a time. It lives on one
 * {@link IoLoop} and is touched only there: connect, TLS handshake, write the request, parse the response
 * and hand its body to the call's listener as it arrives, then go back to its {@link OriginPool}.
 */
final class Http1Connection implements ResponseParser.Sink, EventLoop.Ready {
  private enum State { CONNECTING, HANDSHAKING, IDLE, ACTIVE, CLOSED }

  private final IoLoop loop;
  private final OriginPool pool;
  private final ResponseParser parser;
  private SocketChannel channel;
  private SelectionKey key;
  private Transport transport;
  private State state = State.CONNECTING;
  private Call call;
  private Call firstCall;
  private boolean served;
  private boolean paused;
  private boolean responseDone;
  private long since;

  Http1Connection(IoLoop loop, OriginPool pool, Call firstCall) {
    this.loop = loop;
    this.pool = pool;
    this.firstCall = firstCall;
    this.parser = new ResponseParser(ResponseParser.MAX_HEAD_BYTES);
    this.since = System.nanoTime();
  }

  Call call() {
    return call;
  }

  Call firstCall() {
    return firstCall;
  }

  boolean idle() {
    return state == State.IDLE;
  }

  /** Opens the socket to an address resolved off the loop. */
  void connect(InetSocketAddress address) {
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      key = channel.register(loop.selector(), 0, this);
      transport = pool.origin().tls()
          ? new TlsTransport(channel, TlsTransport.clientEngine(loop.settings().tls(), pool.origin().host(), pool.origin().port()))
          : new PlainTransport(channel);
      if (channel.connect(address)) connected();
      else key.interestOps(SelectionKey.OP_CONNECT);
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  void onResolveFailed(String host) {
    fail(new UnknownHostException("Cannot resolve the upstream host " + host));
  }

  /** The socket is ready for what this connection waits for. */
  @Override
  public void onReady(int readyOps) {
    try {
      if (state == State.CONNECTING) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0 && channel.finishConnect()) connected();
        return;
      }
      if (state == State.HANDSHAKING) {
        handshake();
        return;
      }
      if ((readyOps & SelectionKey.OP_WRITE) != 0) {
        if (state == State.ACTIVE) writeRequest();
        else flush();
      }
      if ((readyOps & SelectionKey.OP_READ) != 0 && !paused) read();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /** Serves {@code next} on this ready connection. */
  void assign(Call next) {
    firstCall = null;
    call = next;
    next.connection = this;
    state = State.ACTIVE;
    since = System.nanoTime();
    paused = false;
    responseDone = false;
    parser.reset(false);
    try {
      writeRequest();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  void resumeReading() {
    if (!paused || state != State.ACTIVE) return;
    paused = false;
    try {
      key.interestOps(SelectionKey.OP_READ);
      read();
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  /** Called by the loop's sweep: true when this connection outlived its connect or idle deadline and was closed. */
  boolean expire(long now) {
    long age = now - since;
    if ((state == State.CONNECTING || state == State.HANDSHAKING) && age > loop.settings().connectTimeout().toNanos()) {
      fail(new ConnectException("Connect timed out after " + loop.settings().connectTimeout().toMillis() + " ms"));
      return true;
    }
    if (state == State.IDLE && age > loop.settings().idleTimeout().toNanos()) {
      close();
      return true;
    }
    if (state == State.ACTIVE && !paused && age > loop.settings().responseIdleTimeout().toNanos()) {
      fail(new SocketTimeoutException("No bytes from the upstream for " + loop.settings().responseIdleTimeout().toSeconds() + " s"));
      return true;
    }
    return false;
  }

  /** The call's owner gave up on it: the response is unfinished, so the connection cannot be reused. */
  void abandon() {
    call = null;
    close();
  }

  void close() {
    if (state == State.CLOSED) return;
    state = State.CLOSED;
    if (key != null) key.cancel();
    if (transport != null) transport.close();
    else if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to do: the socket is gone
      }
    }
    pool.closed(this);
  }

  private void connected() throws IOException {
    state = State.HANDSHAKING;
    handshake();
  }

  private void handshake() throws IOException {
    if (!transport.handshake()) {
      key.interestOps(transport.wantsWrite() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      return;
    }
    state = State.IDLE;
    since = System.nanoTime();
    key.interestOps(SelectionKey.OP_READ);
    pool.ready(this);
  }

  private void writeRequest() throws IOException {
    boolean sent = transport.write(call.request);
    key.interestOps(sent ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
  }

  /** Sends what TLS still holds back (a KeyUpdate answer) on a connection with no request to write. */
  private void flush() throws IOException {
    transport.write(ByteBuffer.allocate(0));
    key.interestOps(transport.wantsWrite() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void read() throws IOException {
    // the loop's one buffer: each read is parsed and handed on before the next, so no connection keeps bytes
    ByteBuffer readBuffer = loop.readBuffer();
    while (true) {
      int n = transport.read(readBuffer);
      if (n == 0) {
        // TLS may have queued records of its own while reading (a KeyUpdate answer): let them out
        if (transport.wantsWrite()) key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        return;
      }
      if (n < 0) {
        endOfStream();
        return;
      }
      if (state != State.ACTIVE) throw new MalformedResponseException("bytes while no request was in flight");
      call.bytesReceived += n;
      since = System.nanoTime();
      readBuffer.flip();
      parser.feed(readBuffer, this);
      boolean leftover = readBuffer.hasRemaining();
      readBuffer.clear();
      if (responseDone) {
        finishResponse(leftover);
        return;
      }
      if (paused) {
        key.interestOps(0);
        return;
      }
    }
  }

  private void endOfStream() throws IOException {
    if (state != State.ACTIVE) {
      close(); // the origin closed an idle keep-alive connection
      return;
    }
    parser.endOfStream(this);
    if (responseDone) finishResponse(false);
  }

  private void finishResponse(boolean leftover) {
    Call done = call;
    call = null;
    served = true;
    if (done != null && !done.cancelled()) done.listener.onComplete();
    if (parser.reusable() && !leftover && state == State.ACTIVE) {
      state = State.IDLE;
      since = System.nanoTime();
      key.interestOps(SelectionKey.OP_READ);
      pool.ready(this);
    } else {
      close();
    }
  }

  private void fail(Throwable cause) {
    Call failed = call != null ? call : firstCall;
    boolean stale = call != null && served && call.bytesReceived == 0 && !call.retried;
    call = null;
    firstCall = null;
    close();
    if (failed == null || failed.cancelled()) return;
    if (stale) {
      // a reused keep-alive connection the origin had closed before reading our request: try once on a new one
      failed.retried = true;
      failed.request.rewind();
      pool.send(failed);
      return;
    }
    failed.listener.onFailure(cause instanceof IOException io ? io : new IOException(cause));
  }

  @Override
  public void onHead(ResponseHead head) {
    if (!call.cancelled()) call.listener.onHead(head);
  }

  @Override
  public void onBody(ByteBuffer bytes) {
    if (!call.cancelled() && !call.listener.onBody(bytes)) paused = true;
  }

  @Override
  public void onEnd() {
    responseDone = true;
  }
}
