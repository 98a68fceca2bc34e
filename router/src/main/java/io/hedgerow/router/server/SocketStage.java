package io.hedgerow.router.server;

import io.hedgerow.providers.loop.EventLoop;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.SubscriptionWithCancelException;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * A client socket as a flow: the bytes that come in are what the socket read, the bytes that go in are
 * written to it. Writes happen on the stream's own thread as elements arrive; reads arrive from the
 * connection's {@link io.hedgerow.providers.loop.EventLoop}. Like Pekko's TCP stage on a server connection without half-close: the
 * peer ending its side ends the bytes read, and the socket closes once the bytes to write end.
 */
final class SocketStage extends GraphStage<FlowShape<ByteString, ByteString>> {
  /** What one round gathers at most before it waits for its write. */
  private static final int MAX_HELD_BYTES = 64 * 1024;

  private final Inlet<ByteString> toSocket = Inlet.create("SocketStage.toSocket");
  private final Outlet<ByteString> fromSocket = Outlet.create("SocketStage.fromSocket");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(toSocket, fromSocket);
  private final ServerConnection connection;

  SocketStage(ServerConnection connection) {
    this.connection = connection;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      /** Bytes that arrived while a write was going on or in the same round as one: written together next. */
      private ByteString held = ByteString.emptyByteString();
      /** The socket has not taken all of the last write yet. */
      private boolean writing;
      /** A write happened and the round it opened has not ended (see {@link #write}). */
      private boolean roundOpen;
      private boolean finishing;
      private AsyncCallback<Boolean> roundEnd;
      private final Runnable endRound = () -> roundEnd.invoke(true);

      {
        setHandler(toSocket, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString bytes = grab(toSocket);
            if (writing || roundOpen) held = held.concat(bytes);
            else write(bytes);
            pullIfReady();
          }

          @Override
          public void onUpstreamFinish() {
            finishing = true;
            finishIfDone();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            failed(ex);
          }
        });
        setHandler(fromSocket, new AbstractOutHandler() {
          @Override
          public void onPull() {
            ServerConnection.Taken early = connection.want();
            if (early == null) return;
            if (early.end()) complete(fromSocket);
            else push(fromSocket, early.bytes());
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            if (cause instanceof SubscriptionWithCancelException.NonFailureCancellation) {
              connection.stopReading();
              finishIfDone();
            } else {
              failed(cause);
            }
          }
        });
      }

      /**
       * Writes now, and opens a round that ends with the event loop's turn (or, off the loops, once the
       * stream has handled what is queued for it): what arrives until then, such as the rest of a burst of
       * SSE chunks, each handed over by its own task, goes out in one write rather than a system call each.
       */
      private void write(ByteString bytes) {
        try {
          writing = !connection.write(bytes);
        } catch (IOException e) {
          fail(e);
          return;
        }
        roundOpen = true;
        EventLoop loop = EventLoop.current();
        if (loop != null) loop.afterTurn(endRound);
        else endRound.run();
      }

      private void writeHeld() {
        if (writing || held.isEmpty()) return;
        ByteString bytes = held;
        held = ByteString.emptyByteString();
        write(bytes);
      }

      /** Asks for more unless the socket is behind or a round has gathered enough to write. */
      private void pullIfReady() {
        if (!writing && held.size() < MAX_HELD_BYTES && !isClosed(toSocket) && !hasBeenPulled(toSocket)) pull(toSocket);
      }

      private void finishIfDone() {
        if (finishing && !writing && held.isEmpty()) closeAndComplete();
      }

      @Override
      public void preStart() {
        setKeepGoing(true);
        AsyncCallback<ByteString> received = createAsyncCallback(bytes -> {
          if (isAvailable(fromSocket)) push(fromSocket, bytes);
        });
        AsyncCallback<Boolean> peerClosed = createAsyncCallback(ignored -> complete(fromSocket));
        AsyncCallback<Boolean> written = createAsyncCallback(ignored -> {
          writing = false;
          writeHeld();
          finishIfDone();
          pullIfReady();
        });
        roundEnd = createAsyncCallback(ignored -> {
          roundOpen = false;
          writeHeld();
          finishIfDone();
          pullIfReady();
        });
        AsyncCallback<IOException> failed = createAsyncCallback(this::fail);
        connection.start(new ServerConnection.Events() {
          @Override
          public void received(ByteString bytes) {
            received.invoke(bytes);
          }

          @Override
          public void peerClosed() {
            peerClosed.invoke(true);
          }

          @Override
          public void written() {
            written.invoke(true);
          }

          @Override
          public void failed(IOException cause) {
            failed.invoke(cause);
          }
        });
        pull(toSocket);
      }

      @Override
      public void postStop() {
        connection.abort(); // a no-op once closed
      }

      /** The idle timeout ends a quiet connection as a server should, with a FIN; other failures reset it. */
      private void failed(Throwable cause) {
        if (cause instanceof TimeoutException) connection.close();
        else connection.abort();
        failStage(cause);
      }

      private void closeAndComplete() {
        connection.close();
        completeStage();
      }

      private void fail(IOException cause) {
        connection.abort();
        failStage(new StreamTcpException("The client connection failed: " + cause.getMessage()));
      }
    };
  }
}
