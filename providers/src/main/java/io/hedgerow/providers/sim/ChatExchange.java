package io.hedgerow.providers.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One chat request through the simulator: authenticate, parse, plan, then answer plainly or as a paced
 * stream, or show the planned fault. The dialect renders; this class decides nothing about wire formats.
 */
final class ChatExchange {

    private final String instanceName;
    private final AnswerPlanner planner;
    private final StreamPacer pacer;
    private final PlainResponder plain;
    private final SimCounters counters;

    ChatExchange(String instanceName, AnswerPlanner planner, StreamPacer pacer, PlainResponder plain, SimCounters counters) {
        this.instanceName = instanceName;
        this.planner = planner;
        this.pacer = pacer;
        this.plain = plain;
        this.counters = counters;
    }

    CompletionStage<Reply> handle(SimDialect dialect, RecordedRequest received) {
        Optional<SimError> refused = dialect.authenticate(received.headers());
        if (refused.isPresent()) {
            return done(plain.error(dialect.renderError(refused.get())));
        }
        SimRequest request;
        try {
            JsonNode body = SimJson.MAPPER.readTree(received.body());
            if (body == null || !body.isObject()) {
                throw new MalformedRequestException("The request body must be a JSON object.");
            }
            request = dialect.parse(received.path(), received.query(), body);
        } catch (JsonProcessingException e) {
            return done(plain.error(dialect.renderError(SimError.of(SimError.Kind.BAD_REQUEST,
                    "We could not parse the JSON body of your request."))));
        } catch (MalformedRequestException e) {
            return done(plain.error(dialect.renderError(SimError.of(SimError.Kind.BAD_REQUEST, e.getMessage()))));
        }
        Overrides overrides = Overrides.fromHeaders(received.headers())
                .orElse(Overrides.fromDirectives(request.lastUserText(), instanceName));
        Random random = planner.nextRandom();
        Plan plan = planner.plan(request, overrides, random);
        if (!request.stream()) {
            return plain.respond(plan.fault(), plan.plainLatency(), dialect::renderError,
                    () -> JsonResponse.ok(dialect.renderPlain(request, plan.script())));
        }
        return stream(dialect, request, plan);
    }

    private CompletionStage<Reply> stream(SimDialect dialect, SimRequest request, Plan plan) {
        Fault fault = plan.fault();
        if (fault == Fault.NONE || fault == Fault.HANG || fault == Fault.ABORT_MID_STREAM) {
            counters.faultApplied(fault);
            Source<ByteString, NotUsed> body = switch (fault) {
                case HANG -> pacer.silent();
                case ABORT_MID_STREAM -> pacer.abortedHalfway(dialect.renderStream(request, plan.script()),
                        dialect.abortFrames(), plan.ttft(), plan.interTokenDelay());
                default -> pacer.complete(dialect.renderStream(request, plan.script()), plan.ttft(), plan.interTokenDelay());
            };
            // Headers leave at once, as real providers send them before the first token.
            return done(Reply.answer(HttpResponse.create()
                    .addHeader(RawHeader.create("cache-control", "no-cache"))
                    .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), body))));
        }
        // Errors and resets come before any byte of a stream, exactly as for plain requests.
        return plain.respond(fault, plan.ttft(), dialect::renderError, () -> {
            throw new IllegalStateException("a fault that answers cannot reach here: " + fault);
        });
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
