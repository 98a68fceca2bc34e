package io.hedgerow.providers.upstream.http1;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The keep-alive connections one {@link IoLoop} holds to one origin, and the calls waiting for one. A call
 * takes the most recently used idle connection, or opens a new one while under the limit, or waits in
 * line; past the line's limit it fails at once. Touched only on its loop.
 */
final class OriginPool {
  private final IoLoop loop;
  private final Origin origin;
  private final int maxConnections;
  private final int maxWaiting;
  private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
  private final LinkedHashSet<Http1Connection> open = new LinkedHashSet<>();
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();

  OriginPool(IoLoop loop, Origin origin, int maxConnections, int maxWaiting) {
    this.loop = loop;
    this.origin = origin;
    this.maxConnections = maxConnections;
    this.maxWaiting = maxWaiting;
  }

  Origin origin() {
    return origin;
  }

  void send(Call call) {
    Http1Connection connection;
    while ((connection = idle.pollFirst()) != null) {
      if (connection.idle()) {
        connection.assign(call);
        return;
      }
    }
    if (open.size() < maxConnections) {
      openFor(call);
    } else if (waiting.size() < maxWaiting) {
      waiting.add(call);
    } else {
      call.listener.onFailure(new IOException("More than " + maxWaiting
          + " requests are waiting for a connection to " + origin.authority()));
    }
  }

  /** A connection finished its handshake or its response: it serves the next call, or waits idle. */
  void ready(Http1Connection connection) {
    Call first = connection.firstCall();
    if (first != null && !first.cancelled()) {
      connection.assign(first);
      return;
    }
    Call next;
    while ((next = waiting.poll()) != null) {
      if (!next.cancelled()) {
        connection.assign(next);
        return;
      }
    }
    idle.addFirst(connection);
  }

  void closed(Http1Connection connection) {
    open.remove(connection);
    idle.remove(connection);
    Call next;
    while (open.size() < maxConnections && (next = waiting.poll()) != null) {
      if (!next.cancelled()) openFor(next);
    }
  }

  void cancel(Call call) {
    if (waiting.remove(call)) return;
    Http1Connection connection = call.connection;
    if (connection != null && connection.call() == call) connection.abandon();
  }

  /** Closes connections past their connect, idle or response deadlines. */
  void sweep(long now) {
    for (Http1Connection connection : List.copyOf(open)) connection.expire(now);
  }

  void closeAll() {
    for (Http1Connection connection : List.copyOf(open)) connection.close();
    Call call;
    while ((call = waiting.poll()) != null) {
      if (!call.cancelled()) call.listener.onFailure(new IOException("The upstream client is shutting down"));
    }
  }

  private void openFor(Call call) {
    Http1Connection connection = new Http1Connection(loop, this, call);
    open.add(connection);
    loop.resolve(origin, connection);
  }
}
