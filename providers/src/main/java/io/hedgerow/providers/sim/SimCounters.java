package io.hedgerow.providers.sim;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counts of what one simulated instance did, for tests: e.g. a hedging test checks
 * {@link #streamsCancelled()} to prove the gateway hung up on the losing upstream.
 */
public final class SimCounters {

    private final AtomicLong requestsReceived = new AtomicLong();
    private final AtomicLong plainAnswers = new AtomicLong();
    private final AtomicLong errorAnswers = new AtomicLong();
    private final AtomicLong connectionsDropped = new AtomicLong();
    private final AtomicLong streamsStarted = new AtomicLong();
    private final AtomicLong streamsCompleted = new AtomicLong();
    private final AtomicLong streamsCancelled = new AtomicLong();
    private final AtomicLong streamsAborted = new AtomicLong();
    private final Map<Fault, AtomicLong> faults = new EnumMap<>(Fault.class);

    SimCounters() {
        for (Fault fault : Fault.values()) {
            faults.put(fault, new AtomicLong());
        }
    }

    /** Requests on the simulated provider paths; {@code /_sim/*} introspection is not counted. */
    public long requestsReceived() { return requestsReceived.get(); }

    /** Successful non-stream answers (chat, embeddings, model list). */
    public long plainAnswers() { return plainAnswers.get(); }

    /** HTTP error answers, from faults, missing credentials or malformed requests. */
    public long errorAnswers() { return errorAnswers.get(); }

    /** Connections closed without a response (reset, or abort-mid-stream on a plain request). */
    public long connectionsDropped() { return connectionsDropped.get(); }

    /** Streams whose 200 headers were sent, hanging and aborting ones included. */
    public long streamsStarted() { return streamsStarted.get(); }

    /** Streams whose last frame was handed to the connection. */
    public long streamsCompleted() { return streamsCompleted.get(); }

    /** Streams the client abandoned (closed the connection or cancelled the entity) before the end. */
    public long streamsCancelled() { return streamsCancelled.get(); }

    /** Streams the simulator itself broke off with the abort-mid-stream fault. */
    public long streamsAborted() { return streamsAborted.get(); }

    /** How often a fault was applied, forced or drawn; {@link Fault#NONE} counts planned answers without one. */
    public long faults(Fault fault) { return faults.get(fault).get(); }

    /** All counters by name, for {@code GET /_sim/counters}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("requestsReceived", requestsReceived());
        out.put("plainAnswers", plainAnswers());
        out.put("errorAnswers", errorAnswers());
        out.put("connectionsDropped", connectionsDropped());
        out.put("streamsStarted", streamsStarted());
        out.put("streamsCompleted", streamsCompleted());
        out.put("streamsCancelled", streamsCancelled());
        out.put("streamsAborted", streamsAborted());
        for (Fault fault : Fault.values()) {
            out.put("fault." + fault.wireName(), faults(fault));
        }
        return out;
    }

    void requestReceived() { requestsReceived.incrementAndGet(); }
    void plainAnswered() { plainAnswers.incrementAndGet(); }
    void errorAnswered() { errorAnswers.incrementAndGet(); }
    void connectionDropped() { connectionsDropped.incrementAndGet(); }
    void streamStarted() { streamsStarted.incrementAndGet(); }
    void streamCompleted() { streamsCompleted.incrementAndGet(); }
    void streamCancelled() { streamsCancelled.incrementAndGet(); }
    void streamAborted() { streamsAborted.incrementAndGet(); }
    void faultApplied(Fault fault) { faults.get(fault).incrementAndGet(); }
}
