package io.hedgerow.providers.sim;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.pattern.Patterns;

/** Answers a non-stream request after its planned latency, or shows its fault instead. */
final class PlainResponder {

    private final ActorSystem<?> system;
    private final SimCounters counters;
    private final Duration retryAfter;

    PlainResponder(ActorSystem<?> system, SimCounters counters, Duration retryAfter) {
        this.system = system;
        this.counters = counters;
        this.retryAfter = retryAfter;
    }

    /**
     * @param errors renders an HTTP error in the caller's dialect
     * @param answer builds the successful response once the latency has passed
     */
    CompletionStage<Reply> respond(Fault fault, Duration latency, Function<SimError, HttpResponse> errors,
            Supplier<HttpResponse> answer) {
        counters.faultApplied(fault);
        Optional<SimError> error = SimError.forFault(fault, retryAfter);
        if (error.isPresent()) {
            return CompletableFuture.completedFuture(error(errors.apply(error.get())));
        }
        return switch (fault) {
            case RESET -> CompletableFuture.completedFuture(drop());
            // Never completed: Pekko's request timeout is off for the simulator, so the client waits until it gives up.
            case HANG -> new CompletableFuture<>();
            case ABORT_MID_STREAM -> Patterns.after(latency.dividedBy(2), system,
                    () -> CompletableFuture.completedFuture(drop()));
            default -> Patterns.after(latency, system, () -> {
                counters.plainAnswered();
                return CompletableFuture.completedFuture(Reply.answer(answer.get()));
            });
        };
    }

    Reply error(HttpResponse response) {
        counters.errorAnswered();
        return Reply.answer(response);
    }

    private Reply drop() {
        counters.connectionDropped();
        return Reply.DROP;
    }
}
