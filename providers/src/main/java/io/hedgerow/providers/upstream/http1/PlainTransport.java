package io.hedgerow.providers.upstream.http1;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Plain TCP: the application's bytes are the socket's. */
final class PlainTransport implements Transport {
  private final SocketChannel channel;
  private boolean pending;

  PlainTransport(SocketChannel channel) {
    this.channel = channel;
  }

  @Override
  public boolean handshake() {
    return true;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public boolean write(ByteBuffer src) throws IOException {
    channel.write(src);
    pending = src.hasRemaining();
    return !pending;
  }

  @Override
  public boolean wantsWrite() {
    return pending;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is best effort: the socket is gone either way
    }
  }
}
