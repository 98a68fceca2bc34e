package io.hedgerow.providers.upstream;

import io.hedgerow.providers.chat.InvalidRequestException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.StreamTcpException;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to providers over Pekko HTTP's pooled, keep-alive client and turns every failure
 * (status, refused or dropped connection, oversized body) into an {@link UpstreamException}.
 */
public final class UpstreamClient {
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final Duration ERROR_BODY_TIMEOUT = Duration.ofSeconds(5);

  private final Http http;
  private final Materializer materializer;
  private final int maxResponseBytes;
  private final int maxEventBytes;
  private final UpstreamObserver observer;

  public UpstreamClient(ActorSystem<?> system, int maxResponseBytes, int maxEventBytes) {
    this(system, maxResponseBytes, maxEventBytes, UpstreamObserver.NONE);
  }

  /** A client that shows {@code observer} every response it receives (one client per provider, sharing the pool). */
  public UpstreamClient(ActorSystem<?> system, int maxResponseBytes, int maxEventBytes, UpstreamObserver observer) {
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.maxResponseBytes = maxResponseBytes;
    this.maxEventBytes = maxEventBytes;
    this.observer = observer;
  }

  /**
   * The SSE events of a streamed call. Cold: the request is sent when the source is materialized, and
   * cancelling it closes the upstream connection. That holds also when it is cancelled before the
   * response headers arrive (a hedge that lost): the body is then cancelled as soon as the response
   * comes, rather than left unread to hold a pooled connection.
   */
  public Source<SseEvent, NotUsed> events(HttpRequest request, ErrorClassifier classifier) {
    return Source.lazySource(() -> {
          CompletableFuture<HttpResponse> response = send(request);
          AtomicBoolean bodyRead = new AtomicBoolean();
          return Source.completionStageSource(response.thenCompose(r -> {
                if (!r.status().isSuccess()) {
                  bodyRead.set(true);
                  return errorOf(r, classifier).thenApply(e -> Source.<SseEvent>failed(e));
                }
                // marked read when the body's stream is materialized, which a stream cancelled meanwhile never does
                return CompletableFuture.completedFuture(r.entity().getDataBytes()
                    .via(SseFraming.flow(maxEventBytes))
                    .mapMaterializedValue(m -> {
                      bodyRead.set(true);
                      return NotUsed.notUsed();
                    }));
              }))
              .watchTermination((mat, done) -> {
                DirectFuture.of(done).whenComplete((d, e) -> response.thenAccept(r -> {
                  if (!bodyRead.get()) r.entity().getDataBytes().runWith(Sink.cancelled(), materializer);
                }));
                return mat;
              });
        })
        .mapMaterializedValue(f -> NotUsed.notUsed());
  }

  /** The whole body of a plain call, or a failed stage carrying the classified error. */
  public CompletionStage<ByteString> body(HttpRequest request, ErrorClassifier classifier) {
    return send(request).thenCompose(response -> {
      if (!response.status().isSuccess()) {
        return errorOf(response, classifier).thenCompose(CompletableFuture::<ByteString>failedFuture);
      }
      HttpEntity entity = response.entity();
      if (entity instanceof HttpEntity.Strict strict) {
        // the usual case for a small answer: the whole body came with the headers, nothing to stream
        if (strict.getData().length() <= maxResponseBytes) return CompletableFuture.completedFuture(strict.getData());
        return CompletableFuture.failedFuture(asUpstream(new EntityStreamSizeException(maxResponseBytes,
            scala.Option.apply(strict.getData().length()))));
      }
      return DirectFuture.of(entity.withSizeLimit(maxResponseBytes)
              .getDataBytes().runFold(ByteString.emptyByteString(), ByteString::concat, materializer))
          .exceptionally(e -> { throw asUpstream(e); });
    });
  }

  private CompletableFuture<HttpResponse> send(HttpRequest request) {
    return DirectFuture.of(http.singleRequest(request))
        .exceptionally(e -> { throw asUpstream(e); })
        .thenApply(this::observed);
  }

  private HttpResponse observed(HttpResponse response) {
    try {
      observer.onResponse(response);
    } catch (RuntimeException e) {
      // learning from headers is best effort: a bad header must never fail the call itself
      LoggerFactory.getLogger(UpstreamClient.class).debug("Upstream observer failed", e);
    }
    return response;
  }

  private CompletionStage<UpstreamException> errorOf(HttpResponse response, ErrorClassifier classifier) {
    return DirectFuture.of(response.entity().withSizeLimit(MAX_ERROR_BODY).toStrict(ERROR_BODY_TIMEOUT.toMillis(), materializer))
        .thenApply(strict -> classifier.classify(response, strict.getData()).exception())
        .exceptionally(e -> classifier.classify(response, ByteString.emptyByteString()).exception());
  }

  /** Maps transport failures to {@link ErrorClass#CONNECTION} or {@link ErrorClass#TIMEOUT}; keeps classified ones. */
  public static UpstreamException asUpstream(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof UpstreamException u) return u;
    if (cause instanceof InvalidRequestException invalid) {
      // the adapter found the request untranslatable for its provider: the client's mistake, not worth retrying
      return UpstreamError.of(ErrorClass.BAD_REQUEST, 400, invalid.getMessage()).exception();
    }
    if (cause instanceof TimeoutException) {
      return UpstreamError.of(ErrorClass.TIMEOUT, 0, "The upstream did not answer in time.").exception();
    }
    String what = cause instanceof StreamTcpException
        ? "The upstream connection failed."
        : "The upstream connection broke: " + cause.getClass().getSimpleName() + ".";
    return UpstreamError.of(ErrorClass.CONNECTION, 0, what).exception();
  }
}
