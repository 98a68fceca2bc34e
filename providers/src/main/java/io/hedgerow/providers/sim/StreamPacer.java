package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Turns a dialect's frames into a timed byte stream: the first token after the time to first token, each
 * later one after the inter-token delay. It also counts how each stream ended.
 */
final class StreamPacer {

    /** Fails a response entity on purpose, which makes Pekko cut the connection without the last chunk. */
    static final class StreamAbort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamAbort() {
            super("simulated abort-mid-stream", null, false, false);
        }
    }

    /** Frames that leave the server together, {@code delay} after the previous batch. */
    private record Batch(ByteString bytes, Duration delay) {
    }

    private final ActorSystem<?> system;
    private final SimCounters counters;

    StreamPacer(ActorSystem<?> system, SimCounters counters) {
        this.system = system;
        this.counters = counters;
    }

    Source<ByteString, NotUsed> complete(List<Frame> frames, Duration ttft, Duration gap) {
        return watched(timed(batches(frames, Integer.MAX_VALUE, ttft, gap)));
    }

    /** About half the paced frames, then {@code abortFrames}, then the connection is cut. */
    Source<ByteString, NotUsed> abortedHalfway(List<Frame> frames, List<Frame> abortFrames, Duration ttft, Duration gap) {
        int paced = (int) frames.stream().filter(Frame::paced).count();
        List<Batch> kept = batches(frames, paced / 2, ttft, gap);
        List<Batch> all = new ArrayList<>(kept);
        Duration untilAbort = kept.isEmpty() ? ttft : gap;
        all.add(new Batch(join(abortFrames), untilAbort));
        // Failing via Source.failed rather than a failed future keeps the abort unwrapped, so Pekko logs one line.
        Source<ByteString, NotUsed> failure = Source.lazyCompletionStage(() -> delayed(gap, Done.getInstance()))
                .flatMapConcat(ignored -> Source.<ByteString>failed(new StreamAbort()));
        // concatLazy, because plain concat pulls its second source at once and the cut would come too early.
        return watched(timed(all).concatLazy(failure));
    }

    /** Headers only, then silence until the client goes away. */
    Source<ByteString, NotUsed> silent() {
        return watched(Source.never());
    }

    /**
     * Groups frames so each batch holds one paced frame and the unpaced frames around it; the first batch
     * also takes the preamble, the last one the trailer. Stops after {@code maxPaced} paced frames.
     */
    private static List<Batch> batches(List<Frame> frames, int maxPaced, Duration ttft, Duration gap) {
        List<Batch> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean currentHasPaced = false;
        int pacedSeen = 0;
        for (Frame frame : frames) {
            if (frame.paced()) {
                if (currentHasPaced) {
                    flush(out, current, ttft, gap);
                    currentHasPaced = false;
                }
                if (pacedSeen == maxPaced) {
                    return out;
                }
                currentHasPaced = true;
                pacedSeen++;
            }
            current.append(frame.text());
        }
        if (pacedSeen < maxPaced || maxPaced == Integer.MAX_VALUE) {
            flush(out, current, ttft, gap);
        }
        return out;
    }

    private static void flush(List<Batch> out, StringBuilder current, Duration ttft, Duration gap) {
        if (current.length() > 0) {
            out.add(new Batch(ByteString.fromString(current.toString()), out.isEmpty() ? ttft : gap));
            current.setLength(0);
        }
    }

    private static ByteString join(List<Frame> frames) {
        StringBuilder sb = new StringBuilder();
        frames.forEach(f -> sb.append(f.text()));
        return ByteString.fromString(sb.toString());
    }

    private Source<ByteString, NotUsed> timed(List<Batch> batches) {
        return Source.from(batches)
                .mapAsync(1, batch -> delayed(batch.delay(), batch.bytes()))
                .filter(bytes -> !bytes.isEmpty());
    }

    /** {@code value} must not be null: Pekko's {@code after} never completes a future of null. */
    private <T> CompletionStage<T> delayed(Duration delay, T value) {
        if (delay.isZero() || delay.isNegative()) {
            return CompletableFuture.completedFuture(value);
        }
        return Patterns.after(delay, system, () -> CompletableFuture.completedFuture(value));
    }

    /**
     * Counts how the stream ended. An end marker travels behind the last frame: seeing it means the stream
     * completed; a {@link StreamAbort} means we cut it; anything else means the client went away first.
     */
    private Source<ByteString, NotUsed> watched(Source<ByteString, NotUsed> frames) {
        AtomicBoolean reachedEnd = new AtomicBoolean();
        counters.streamStarted();
        return frames.map(Optional::of)
                .concat(Source.single(Optional.<ByteString>empty()))
                .map(frame -> {
                    if (frame.isEmpty()) {
                        reachedEnd.set(true);
                    }
                    return frame;
                })
                .filter(Optional::isPresent)
                .map(Optional::get)
                .watchTermination((mat, done) -> {
                    done.whenComplete((ok, failure) -> {
                        if (reachedEnd.get()) {
                            counters.streamCompleted();
                        } else if (isAbort(failure)) {
                            counters.streamAborted();
                        } else {
                            counters.streamCancelled();
                        }
                    });
                    return mat;
                });
    }

    /** The abort may reach the stream wrapped (a future wraps it in a CompletionException), so look down the causes. */
    private static boolean isAbort(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StreamAbort) {
                return true;
            }
        }
        return false;
    }
}
