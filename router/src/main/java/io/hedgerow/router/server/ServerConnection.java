package io.hedgerow.router.server;

import io.hedgerow.providers.loop.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.util.ByteString;

/**
 * One accepted client socket, between its {@link EventLoop} and the stream that serves it (its
 * {@link SocketStage}). The loop reads, with read interest left registered: bytes the stream has asked for
 * go to it at once; bytes that arrive first (the next request on a kept-alive connection, usually just
 * before the stream asks) are held, and the stream takes them itself when it asks, on its own thread. Only
 * when more arrives while bytes are held does the loop stop watching the socket until they are taken. The
 * stream writes from its own thread, straight to the socket; what the socket cannot take at once goes to the
 * loop, which finishes it when the socket is writable. The loop alone touches the selection key.
 */
final class ServerConnection implements EventLoop.Ready {
  /** What the loop tells the stream. Each call may come from the loop's thread. */
  interface Events {
    void received(ByteString bytes);

    void peerClosed();

    /** A write that {@link #write} could not finish is now done. */
    void written();

    void failed(IOException cause);
  }

  /** Read state: nothing asked for and nothing held; the stream asked; bytes (or the end) wait for it. */
  private static final int IDLE = 0;
  private static final int WANTED = 1;
  private static final int HELD = 2;

  private final SocketChannel channel;
  private final EventLoop loop;
  private final InetSocketAddress remote;
  private final CompletableFuture<Done> closed = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicInteger readState = new AtomicInteger(IDLE);
  private volatile Events events;
  private SelectionKey key;
  /** What is held in state HELD: bytes, or the peer's end. Written by the loop before it sets HELD. */
  private ByteString held;
  private boolean heldEnd;
  /** Read interest is off because more arrived while bytes were held; only the loop writes it. */
  private volatile boolean paused;
  private boolean peerEnded;
  private boolean readingDone;
  /** The rest of a write the socket did not take; handed to the loop, and back once written. */
  private ByteBuffer pending;
  private volatile Runnable drain;
  private volatile boolean drainRequested;

  ServerConnection(SocketChannel channel, EventLoop loop) throws IOException {
    this.channel = channel;
    this.loop = loop;
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    this.remote = (InetSocketAddress) channel.getRemoteAddress();
  }

  InetSocketAddress remoteAddress() {
    return remote;
  }

  /** Completes once the socket is closed, however it closed. */
  CompletionStage<Done> closed() {
    return closed;
  }

  /** The stream is ready: from now on the loop reads for it. */
  void start(Events events) {
    this.events = events;
    loop.execute(this::register);
  }

  private void register() {
    if (closing.get()) return;
    try {
      key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
    } catch (ClosedChannelException e) {
      events.failed(e);
    }
  }

  /**
   * The stream wants the next bytes. Returns what the loop already holds for it (bytes, or the peer's
   * end, see {@link Taken}), or null: then the loop hands the next bytes over through {@link Events}.
   */
  Taken want() {
    while (true) {
      if (readState.compareAndSet(HELD, IDLE)) {
        // from here the loop may hold the next bytes: read the fields, never write them
        Taken taken = new Taken(held, heldEnd);
        if (paused) loop.execute(this::resumeReading);
        return taken;
      }
      if (readState.compareAndSet(IDLE, WANTED) || readState.get() == WANTED) return null;
    }
  }

  /** Bytes the loop read before the stream asked for them, or the peer's end. */
  record Taken(ByteString bytes, boolean end) {}

  /** The stream wants no more bytes: reads are dropped from now on (there is no closing TCP's read side). */
  void stopReading() {
    loop.execute(() -> readingDone = true);
  }

  /**
   * Writes {@code bytes} now as far as the socket takes them. Returns whether all were written; if not, the
   * loop finishes the write and calls {@link Events#written}, and the stream must not write until then.
   */
  boolean write(ByteString bytes) throws IOException {
    ByteBuffer buffer = bytes.asByteBuffer();
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        pending = buffer;
        loop.execute(this::awaitWritable);
        return false;
      }
    }
    return true;
  }

  /** Asks the stream to finish the request in flight, if any, and close; see {@link ConnectionDrain}. */
  void requestDrain() {
    drainRequested = true;
    Runnable d = drain;
    if (d != null) d.run();
  }

  /** Registers what {@link #requestDrain} runs; runs it at once if a drain was asked for already. */
  void onDrain(Runnable drain) {
    this.drain = drain;
    if (drainRequested) drain.run();
  }

  /** Closes the socket after what was written (the peer sees the end of the stream). */
  void close() {
    closeOnLoop(false);
  }

  /** Closes the socket at once, resetting it: what was not yet sent is lost. */
  void abort() {
    closeOnLoop(true);
  }

  private void closeOnLoop(boolean reset) {
    if (!closing.compareAndSet(false, true)) return;
    loop.execute(() -> {
      if (key != null) key.cancel();
      try {
        if (reset) channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        else channel.shutdownOutput();
      } catch (IOException ignored) {
        // the peer is gone already: close anyway
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to do with it
      }
      closed.complete(Done.done());
    });
  }

  @Override
  public void onReady(int readyOps) {
    if ((readyOps & SelectionKey.OP_WRITE) != 0) flush();
    if ((readyOps & SelectionKey.OP_READ) != 0 && key.isValid()) read();
  }

  private void read() {
    int state = readState.get();
    if (state == HELD && !readingDone) {
      // more arrived while bytes are held: stop watching until the stream takes them
      key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
      paused = true;
      if (readState.get() != HELD) resumeReading();
      return;
    }
    ByteBuffer buffer = loop.readBuffer();
    int n;
    try {
      n = channel.read(buffer);
    } catch (IOException e) {
      buffer.clear();
      key.cancel();
      events.failed(e);
      return;
    }
    if (n == 0) return;
    if (n < 0) {
      peerEnded = true;
      key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
      if (!readingDone) handOver(null);
      return;
    }
    if (readingDone) {
      buffer.clear();
      return;
    }
    ByteString bytes = ByteString.fromArray(buffer.array(), 0, n);
    buffer.clear();
    handOver(bytes);
  }

  /** Gives {@code bytes} (null: the peer's end) to the stream if it asked, else holds them for it. */
  private void handOver(ByteString bytes) {
    if (readState.get() == IDLE) {
      held = bytes;
      heldEnd = bytes == null;
      if (readState.compareAndSet(IDLE, HELD)) return;
    }
    readState.set(IDLE); // it was WANTED, and only the loop leaves that state
    if (bytes == null) events.peerClosed();
    else events.received(bytes);
  }

  private void resumeReading() {
    if (!paused || peerEnded || !key.isValid()) return;
    paused = false;
    key.interestOps(key.interestOps() | SelectionKey.OP_READ);
  }

  private void awaitWritable() {
    if (key == null || !key.isValid()) return;
    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
  }

  private void flush() {
    try {
      channel.write(pending);
    } catch (IOException e) {
      key.cancel();
      events.failed(e);
      return;
    }
    if (pending.hasRemaining()) return;
    pending = null;
    key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    events.written();
  }
}
