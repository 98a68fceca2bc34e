package io.hedgerow.providers.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSProtocol.SslTlsInbound;
import org.apache.pekko.stream.TLSProtocol.SslTlsOutbound;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * A simulated LLM provider on a loopback port: OpenAI, Anthropic and Gemini chat and embeddings by path,
 * with configurable timing and faults, recording what it receives for tests.
 */
public final class SimServer {

    /** Connections waiting to be accepted; the kernel caps it at net.core.somaxconn. */
    static final int LISTEN_BACKLOG = 4096;

    private final SimSettings settings;
    private final Tcp.ServerBinding binding;
    private final SharedKillSwitch openConnections;
    private final RequestLog requestLog;
    private final SimCounters counters;

    private SimServer(SimSettings settings, Tcp.ServerBinding binding, SharedKillSwitch openConnections,
            RequestLog requestLog, SimCounters counters) {
        this.settings = settings;
        this.binding = binding;
        this.openConnections = openConnections;
        this.requestLog = requestLog;
        this.counters = counters;
    }

    /** Binds 127.0.0.1 on {@code settings.port()} (0 picks a free port) and completes once listening. */
    public static CompletionStage<SimServer> start(ActorSystem<?> system, SimSettings settings) {
        RequestLog requestLog = new RequestLog();
        SimCounters counters = new SimCounters();
        SimRoutes routes = new SimRoutes(settings, system, requestLog, counters);
        SharedKillSwitch openConnections = KillSwitches.shared("sim-" + settings.name() + "-connections");
        ServerSettings serverSettings = serverSettings(system);
        // Raw TCP under Pekko's HTTP server layer, rather than Http().bind, because only at this level can a
        // simulated reset close a connection without Pekko answering the pending request with a 500.
        // The listen backlog is LISTEN_BACKLOG rather than Pekko's 100: when a load test opens connections
        // faster than a busy simulator accepts them, a full backlog drops SYNs, and the retransmissions (1 s,
        // 3 s, 7 s ...) outlast the client's connecting timeout, which reads as an upstream failure.
        return Tcp.get(system)
                .bind("127.0.0.1", settings.port(), LISTEN_BACKLOG, List.of(), false, Optional.empty())
                .toMat(Sink.foreach(connection -> connection.handleWith(
                        connectionFlow(system, serverSettings, routes, openConnections), system)), Keep.left())
                .run(system)
                .thenApply(binding -> new SimServer(settings, binding, openConnections, requestLog, counters));
    }

    /**
     * Bytes in, Pekko's HTTP server layer, our handler, bytes out. A per-connection kill switch on the byte
     * side lets a {@link Reply.DropConnection} abort the TCP connection before any response byte is written;
     * the server-wide switch lets {@link #stop()} end connections that are hanging.
     */
    private static Flow<ByteString, ByteString, NotUsed> connectionFlow(ActorSystem<?> system, ServerSettings serverSettings,
            SimRoutes routes, SharedKillSwitch openConnections) {
        SharedKillSwitch reset = KillSwitches.shared("sim-connection-reset");
        Flow<HttpRequest, HttpResponse, NotUsed> handler = Flow.of(HttpRequest.class)
                .mapAsync(1, routes::handle)
                .mapConcat(reply -> {
                    if (reply instanceof Reply.Answer answer) {
                        return List.of(answer.response());
                    }
                    reset.abort(new ConnectionReset());
                    return List.<HttpResponse>of();
                });
        @SuppressWarnings("unchecked")
        BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed> plainTcp =
                (BidiFlow<SslTlsOutbound, ByteString, ByteString, SslTlsInbound, NotUsed>) (BidiFlow<?, ?, ?, ?, ?>) TLSPlacebo.getInstance();
        Flow<ByteString, ByteString, NotUsed> http = Http.get(system).serverLayer(serverSettings)
                .atop(plainTcp)
                .reversed()
                .join(handler);
        return Flow.<ByteString>create()
                .via(openConnections.flow())
                .via(reset.flow())
                .via(http)
                // Pekko aborts (RST) a connection whose response entity fails, and an RST makes the client's
                // kernel discard bytes it has not read yet; a plain close (FIN) delivers the tokens sent so
                // far and still leaves the chunked body without its terminating chunk.
                .onErrorComplete()
                .via(reset.flow());
    }

    /** The failure that aborts a connection for a simulated reset; its stack trace would only be noise. */
    private static final class ConnectionReset extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConnectionReset() {
            super("simulated connection reset", null, false, false);
        }
    }

    /** A hang must last until the client gives up, so Pekko's own request timeout (a 503) is switched off. */
    private static ServerSettings serverSettings(ActorSystem<?> system) {
        Config config = ConfigFactory.parseString("pekko.http.server.request-timeout = infinite")
                .withFallback(system.settings().config());
        return ServerSettings.create(config);
    }

    public String name() {
        return settings.name();
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    /** Where clients reach this instance, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public SimSettings settings() {
        return settings;
    }

    /** The last 200 requests on provider paths, oldest first. */
    public List<RecordedRequest> recorded() {
        return requestLog.snapshot();
    }

    public void clearRecorded() {
        requestLog.clear();
    }

    public SimCounters counters() {
        return counters;
    }

    /** Stops accepting connections and aborts the open ones, hung ones included. */
    public CompletionStage<Done> stop() {
        return binding.unbind().thenApply(unbound -> {
            openConnections.abort(new ConnectionReset());
            return Done.getInstance();
        });
    }
}
