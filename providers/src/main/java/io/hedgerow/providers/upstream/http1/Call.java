package io.hedgerow.providers.upstream.http1;

import java.nio.ByteBuffer;

/**
 * One request in flight: its bytes, its listener, and the handle the caller keeps to cancel it or to resume
 * a paused body. Its connection-side state is touched only on its IO loop.
 */
public final class Call {
  final Origin origin;
  final ByteBuffer request;
  final ResponseListener listener;
  private final IoLoop loop;
  private volatile boolean cancelled;
  /** On the loop only. */
  Http1Connection connection;
  boolean retried;
  long bytesReceived;

  Call(IoLoop loop, Origin origin, ByteBuffer request, ResponseListener listener) {
    this.loop = loop;
    this.origin = origin;
    this.request = request;
    this.listener = listener;
  }

  /** Abandons the exchange: its connection is closed unless the response was already complete. No further callbacks. */
  public void cancel() {
    if (cancelled) return;
    cancelled = true;
    loop.execute(() -> loop.cancel(this));
  }

  /** Reads on after {@link ResponseListener#onBody} returned false. */
  public void resume() {
    loop.execute(() -> {
      if (connection != null && connection.call() == this) connection.resumeReading();
    });
  }

  boolean cancelled() {
    return cancelled;
  }
}
