package io.hedgerow.providers.upstream.http1;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

/**
 * TLS through an {@link SSLEngine}: records are wrapped and unwrapped here, on the connection's IO
 * thread, and whatever the socket cannot take or give yet waits in this transport's buffers.
 */
final class TlsTransport implements Transport {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final SocketChannel channel;
  private final SSLEngine engine;
  private ByteBuffer netIn; // socket bytes not yet unwrapped, in fill mode
  private ByteBuffer appIn; // unwrapped bytes not yet handed out, in drain mode
  private ByteBuffer netOut; // records not yet on the socket, in drain mode
  private boolean started;
  private boolean peerClosed; // close_notify came, or the socket ended

  TlsTransport(SocketChannel channel, SSLEngine engine) {
    this.channel = channel;
    this.engine = engine;
    netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
  }

  /** A client engine for {@code host}: its name checked against the certificate, sent as SNI, ALPN http/1.1. */
  static SSLEngine clientEngine(SSLContext context, String host, int port) {
    SSLEngine engine = context.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    params.setApplicationProtocols(new String[] {"http/1.1"});
    // RFC 6066 forbids an address as SNI; the JDK would only add a dotted name by itself, not "localhost"
    boolean address = host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    params.setServerNames(address ? List.of() : List.of(new SNIHostName(host)));
    engine.setSSLParameters(params);
    return engine;
  }

  @Override
  public boolean handshake() throws IOException {
    try {
      if (!started) {
        engine.beginHandshake();
        started = true;
      }
      while (flush()) {
        switch (engine.getHandshakeStatus()) {
          case FINISHED, NOT_HANDSHAKING -> {
            return true;
          }
          case NEED_TASK -> runTasks();
          case NEED_WRAP -> {
            if (wrap(EMPTY).getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new SSLException("the engine closed during the handshake");
            }
          }
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            if (!unwrap() && fill() == 0) {
              return false;
            }
            if (peerClosed) {
              throw new SSLException("the peer closed the connection");
            }
          }
        }
      }
      return false;
    } catch (SSLException e) {
      SSLHandshakeException failure =
          new SSLHandshakeException("TLS handshake with " + engine.getPeerHost() + " failed: " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int total = 0;
    // fills dst as far as possible, so that 0 means "nothing until the socket is readable again"
    while (dst.hasRemaining()) {
      if (appIn.hasRemaining()) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(appIn.slice().limit(n));
        appIn.position(appIn.position() + n);
        total += n;
      } else if (peerClosed) {
        break;
      } else if (unwrap()) {
        answerPostHandshake();
      } else if (fill() == 0) {
        break;
      }
    }
    return total > 0 || appIn.hasRemaining() || !peerClosed ? total : -1;
  }

  @Override
  public boolean write(ByteBuffer src) throws IOException {
    while (flush() && src.hasRemaining()) {
      SSLEngineResult result = wrap(src);
      if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new SSLException("TLS connection already closed");
      }
      if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
        // only a renegotiation waiting for the peer holds application data back; upstreams don't ask for one
        throw new SSLException("TLS renegotiation is not supported");
      }
    }
    return !netOut.hasRemaining();
  }

  @Override
  public boolean wantsWrite() {
    return netOut.hasRemaining();
  }

  @Override
  public void close() {
    try {
      engine.closeOutbound();
      wrap(EMPTY);
      // one attempt: a peer that doesn't take close_notify now still sees the FIN
      channel.write(netOut);
    } catch (IOException | RuntimeException ignored) {
      // best effort: the socket closes below either way
    } finally {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the socket is gone either way
      }
    }
  }

  /** A TLS 1.3 KeyUpdate asking for ours (or a TLS 1.2 renegotiation) wants records sent while reading. */
  private void answerPostHandshake() throws IOException {
    while (!peerClosed && engine.getHandshakeStatus() == NEED_WRAP) {
      if (wrap(EMPTY).bytesProduced() == 0) {
        break;
      }
    }
    flush(); // what the socket doesn't take now makes wantsWrite() true
  }

  /** Unwraps the next record of netIn into appIn (which is empty); false when no whole record is there yet. */
  private boolean unwrap() throws IOException {
    if (netIn.position() == 0) {
      return false;
    }
    netIn.flip();
    appIn.compact();
    try {
      while (true) {
        SSLEngineResult result = engine.unwrap(netIn, appIn);
        switch (result.getStatus()) {
          case BUFFER_OVERFLOW -> appIn = enlarged(appIn, engine.getSession().getApplicationBufferSize());
          case BUFFER_UNDERFLOW -> {
            return false;
          }
          case CLOSED -> {
            peerClosed = true;
            return true;
          }
          case OK -> {
            runTasks();
            return result.bytesConsumed() > 0;
          }
        }
      }
    } finally {
      netIn.compact();
      appIn.flip();
    }
  }

  /** Wraps src (or a handshake or alert record) behind whatever records still wait in netOut. */
  private SSLEngineResult wrap(ByteBuffer src) throws IOException {
    netOut.compact();
    try {
      while (true) {
        SSLEngineResult result = engine.wrap(src, netOut);
        if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
          runTasks();
          return result;
        }
        netOut = enlarged(netOut, engine.getSession().getPacketBufferSize());
      }
    } finally {
      netOut.flip();
    }
  }

  /** Reads the socket into netIn: how many bytes, 0 if it has none now, -1 (and peerClosed) at its end. */
  private int fill() throws IOException {
    if (!netIn.hasRemaining()) {
      netIn = enlarged(netIn, engine.getSession().getPacketBufferSize());
    }
    int n = channel.read(netIn);
    // an end without close_notify is a truncation only the HTTP framing can tell from a proper end
    peerClosed |= n < 0;
    return n;
  }

  /** Sends what waits in netOut as far as the socket takes it; true when nothing waits any more. */
  private boolean flush() throws IOException {
    if (netOut.hasRemaining()) {
      channel.write(netOut);
    }
    return !netOut.hasRemaining();
  }

  /** Certificate checks and key agreement, run inline: the IO thread has nothing better to do meanwhile. */
  private void runTasks() {
    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
      task.run();
    }
  }

  /** A copy of {@code buf} (in fill mode) with at least {@code room} bytes free. */
  private static ByteBuffer enlarged(ByteBuffer buf, int room) {
    return ByteBuffer.allocate(buf.position() + room).put(buf.flip());
  }
}
