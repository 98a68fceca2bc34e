package io.hedgerow.providers.upstream.http1;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How a connection's bytes reach its socket: as they are, or through TLS. Used only on the connection's
 * IO thread, on a connected non-blocking channel.
 */
sealed interface Transport permits PlainTransport, TlsTransport {
  /** Moves the TLS handshake on as far as the socket allows; true once application bytes can flow. */
  boolean handshake() throws IOException;

  /** Application bytes into {@code dst}: how many, 0 if none are ready, -1 at the end of the stream. */
  int read(ByteBuffer dst) throws IOException;

  /**
   * Writes as much of {@code src} as the socket takes now; true when all of it (and anything held back
   * before) has reached the socket. Called again, with the same buffer, when the socket is writable.
   */
  boolean write(ByteBuffer src) throws IOException;

  /** Whether bytes wait for the socket to become writable (handshake records or a request's rest). */
  boolean wantsWrite();

  /** Closes the channel (for TLS, after a best-effort close_notify). */
  void close();
}
