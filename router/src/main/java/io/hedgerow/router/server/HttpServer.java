package io.hedgerow.router.server;

import io.hedgerow.providers.loop.EventLoop;
import io.hedgerow.providers.loop.EventLoopGroup;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP/1.1 server: Pekko HTTP's server layer (parsing, rendering, request timeouts, the
 * {@code pekko.http.server} settings) over sockets of its own. Pekko's TCP transport moves every read and
 * write through a connection actor and re-registers read interest with its selector (a system call and a
 * selector wake-up) for every request; here event loops ({@link EventLoop}, the threads the gateway's actors
 * run on too) read with interest left in place, and each connection's stream writes to its socket
 * directly. {@code pekko.http.server.max-connections}, {@code backlog}, {@code idle-timeout} and
 * {@code pipelining-limit} work as with Pekko's own binding.
 */
public final class HttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final ServerSocketChannel listener;
  private final EventLoopGroup loops;
  /** Each open connection, with what completes once the server has counted it closed. */
  private final Map<ServerConnection, CompletableFuture<Void>> open = new ConcurrentHashMap<>();
  private final Function<ServerConnection, RunnableGraph<NotUsed>> serve;
  private final Materializer materializer;
  private final Executor materializing;
  private final int maxConnections;
  private final InetSocketAddress localAddress;
  private SelectionKey acceptKey;
  private boolean acceptPaused;
  private volatile boolean unbound;
  private CompletableFuture<Done> unbinding;
  private CompletionStage<Done> terminating;

  private HttpServer(ServerSocketChannel listener, EventLoopGroup loops, ServerSettings settings,
      org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler,
      ClassicActorSystemProvider system)
      throws IOException {
    this.listener = listener;
    this.loops = loops;
    this.materializer = Materializer.matFromSystem(system);
    this.materializing = system.classicSystem().dispatcher();
    this.maxConnections = settings.getMaxConnections();
    this.localAddress = (InetSocketAddress) listener.getLocalAddress();
    Http http = Http.get(system.classicSystem());
    LoggingAdapter log = system.classicSystem().log();
    // One server layer for every connection, as Pekko's own binding has: each one built anew primes its own
    // header parser (about 4 KiB a connection, kept while it is open). Only the settings that put the
    // client's address into requests need a layer per connection.
    boolean perConnection = settings.getRemoteAddressHeader() || settings.getRemoteAddressAttribute();
    BidiFlow<HttpResponse, SslTlsOutbound, SslTlsInbound, HttpRequest, NotUsed> shared =
        perConnection ? null : http.serverLayer(settings, Optional.empty(), log);
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    int parallelism = settings.getPipeliningLimit();
    this.serve = connection -> {
      BidiFlow<HttpResponse, ByteString, ByteString, HttpRequest, NotUsed> layer =
          BidiFlow.fromGraph(new ConnectionDrain(connection))
              .atop(perConnection ? http.serverLayer(settings, Optional.of(connection.remoteAddress()), log) : shared)
              .atop(tlsPlacebo());
      if (idle.isFinite()) layer = layer.atop(BidiFlow.bidirectionalIdleTimeout(Duration.ofNanos(idle.toNanos())));
      return Flow.<HttpRequest>create().mapAsync(parallelism, handler)
          .join(layer)
          .join(Flow.fromGraph(new SocketStage(connection)));
    };
  }

  /**
   * Listens on {@code host:port} (0 picks a free port), doing the sockets' IO on {@code loops}, and answers
   * every request with {@code handler}; settings from {@code pekko.http.server}.
   */
  public static HttpServer bind(ClassicActorSystemProvider system, String host, int port, EventLoopGroup loops,
      org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler) throws IOException {
    ServerSettings settings = ServerSettings.create(system.classicSystem());
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      try {
        listener.bind(new InetSocketAddress(host, port), settings.getBacklog());
      } catch (BindException e) {
        BindException named = new BindException("Cannot listen on " + host + ":" + port + ": " + e.getMessage());
        named.initCause(e);
        throw named;
      }
      listener.configureBlocking(false);
      HttpServer server = new HttpServer(listener, loops, settings, handler, system);
      server.startAccepting();
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /** Connections open now. */
  public int openConnections() {
    return open.size();
  }

  /** Stops accepting connections and frees the port; open connections go on. */
  public synchronized CompletionStage<Done> unbind() {
    if (unbinding == null) {
      unbinding = new CompletableFuture<>();
      acceptLoop().execute(() -> {
        unbound = true;
        if (acceptKey != null) acceptKey.cancel();
        try {
          listener.close();
        } catch (IOException e) {
          LOG.debug("Closing the listening socket failed", e);
        }
        try {
          // the port is freed once the selector drops the cancelled key, in its next select; what that
          // select finds ready (ignored here) it reports again in the loop's next one
          acceptLoop().selector().selectNow(ready -> { });
        } catch (IOException e) {
          LOG.debug("Freeing the listening socket failed", e);
        }
        unbinding.complete(Done.done());
      });
    }
    return unbinding;
  }

  /**
   * Stops accepting, closes idle connections and lets each busy one finish its request (its answer goes out
   * with {@code Connection: close}); what is still open after {@code hardDeadline} is reset. Completes once
   * every connection is closed.
   */
  public synchronized CompletionStage<Done> terminate(Duration hardDeadline) {
    if (terminating == null) terminating = drainAndClose(hardDeadline);
    return terminating;
  }

  private CompletionStage<Done> drainAndClose(Duration hardDeadline) {
    return unbind().thenCompose(u -> {
      open.keySet().forEach(ServerConnection::requestDrain);
      CompletableFuture<Void> all = CompletableFuture.allOf(open.values().toArray(CompletableFuture[]::new));
      return all.completeOnTimeout(null, hardDeadline.toMillis(), TimeUnit.MILLISECONDS).thenCompose(v -> {
        open.keySet().forEach(ServerConnection::abort);
        return CompletableFuture.allOf(open.values().toArray(CompletableFuture[]::new));
      });
    }).thenApply(v -> Done.done());
  }

  private EventLoop acceptLoop() {
    return loops.loops().get(0);
  }

  private void startAccepting() {
    acceptLoop().execute(() -> {
      try {
        acceptKey = listener.register(acceptLoop().selector(), SelectionKey.OP_ACCEPT, (EventLoop.Ready) ops -> accept());
      } catch (IOException e) {
        LOG.error("Cannot listen on {}", localAddress, e);
      }
    });
  }

  private void accept() {
    while (!unbound) {
      if (open.size() >= maxConnections) {
        acceptKey.interestOps(0);
        acceptPaused = true;
        return;
      }
      SocketChannel socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        LOG.warn("Accepting a connection failed: {}", e.toString());
        return;
      }
      if (socket == null) return;
      EventLoop loop = loops.next();
      ServerConnection connection;
      try {
        connection = new ServerConnection(socket, loop);
      } catch (IOException e) {
        closeQuietly(socket);
        continue;
      }
      open.put(connection, connection.closed().thenRun(() -> onClosed(connection)).toCompletableFuture());
      materializing.execute(() -> {
        try {
          serve.apply(connection).run(materializer);
        } catch (RuntimeException e) {
          LOG.error("Cannot serve a connection", e);
          connection.abort();
        }
      });
    }
  }

  private void onClosed(ServerConnection connection) {
    open.remove(connection);
    acceptLoop().execute(() -> {
      if (acceptPaused && !unbound && acceptKey.isValid()) {
        acceptPaused = false;
        acceptKey.interestOps(SelectionKey.OP_ACCEPT);
      }
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> tlsPlacebo() {
    return (BidiFlow) TLSPlacebo.getInstance(); // its inbound side emits SessionBytes, an SslTlsInbound
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // never served
    }
  }
}
