package io.hedgerow.providers.upstream;

import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.upstream.http1.Call;
import io.hedgerow.providers.upstream.http1.Http1Client;
import io.hedgerow.providers.upstream.http1.Http1Settings;
import io.hedgerow.providers.upstream.http1.MalformedResponseException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Sends a provider's requests over the shared {@link Http1Client} and turns every failure (status, refused
 * or dropped connection, oversized body) into an {@link UpstreamException}. One per provider, so that each
 * has its own observer.
 */
public final class UpstreamClient {
  private final Http1Client http;
  private final int maxResponseBytes;
  private final int maxEventBytes;
  private final UpstreamObserver observer;

  /** A client of its own, with the default settings, closed when {@code system} terminates. */
  public UpstreamClient(ActorSystem<?> system, int maxResponseBytes, int maxEventBytes) {
    this(ownClient(system), maxResponseBytes, maxEventBytes, UpstreamObserver.NONE);
  }

  /** A provider's view of the shared client that shows {@code observer} every response head it receives. */
  public UpstreamClient(Http1Client http, int maxResponseBytes, int maxEventBytes, UpstreamObserver observer) {
    this.http = http;
    this.maxResponseBytes = maxResponseBytes;
    this.maxEventBytes = maxEventBytes;
    this.observer = observer;
  }

  private static Http1Client ownClient(ActorSystem<?> system) {
    Http1Client client = new Http1Client(Http1Settings.defaults());
    system.getWhenTerminated().thenRun(client::close);
    return client;
  }

  /**
   * The SSE events of a streamed call. Cold: the request is sent when the source is materialized, and
   * cancelling it (also before the response headers arrive: a hedge that lost) closes the upstream connection.
   */
  public Source<SseEvent, NotUsed> events(HttpRequest request, ErrorClassifier classifier) {
    return Source.fromGraph(new UpstreamEvents(http, request, classifier, observer, maxEventBytes));
  }

  /**
   * The whole body of a plain call, or a failed stage carrying the classified error. The stage completes on
   * the client's IO thread; cancelling the returned future abandons the call and closes its connection.
   */
  public CompletableFuture<ByteString> body(HttpRequest request, ErrorClassifier classifier) {
    WholeBody reader = new WholeBody(classifier, observer, maxResponseBytes);
    try {
      reader.call = http.send(request, reader);
    } catch (IllegalArgumentException e) {
      // a request the client cannot send (a base URL that is not http(s)): this provider cannot serve it
      return CompletableFuture.failedFuture(UpstreamError.of(ErrorClass.CONNECTION, 0, e.getMessage()).exception());
    }
    reader.result.whenComplete((body, failure) -> {
      if (reader.result.isCancelled()) reader.call.cancel();
    });
    return reader.result;
  }

  /**
   * The answer of a plain call, read from its whole body by {@code read} on the IO thread. Cancelling the
   * returned future abandons the call and closes its connection, as for {@link #body(HttpRequest, ErrorClassifier)}.
   */
  public <T> CompletableFuture<T> answer(HttpRequest request, ErrorClassifier classifier, Function<ByteString, T> read) {
    CompletableFuture<ByteString> body = body(request, classifier);
    CompletableFuture<T> answer = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        body.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    body.whenComplete((bytes, failure) -> {
      if (failure != null) {
        answer.completeExceptionally(failure);
        return;
      }
      try {
        answer.complete(read.apply(bytes));
      } catch (RuntimeException e) {
        answer.completeExceptionally(e);
      }
    });
    return answer;
  }

  /** Collects a successful body up to the size limit. */
  private static final class WholeBody extends ClassifyingListener {
    final CompletableFuture<ByteString> result = new CompletableFuture<>();
    private final int limit;
    private final ByteStringBuilder body = new ByteStringBuilder();
    volatile Call call;

    WholeBody(ErrorClassifier classifier, UpstreamObserver observer, int limit) {
      super(classifier, observer);
      this.limit = limit;
    }

    @Override
    boolean onSuccessBody(ByteBuffer bytes) {
      if (result.isDone()) return true;
      if (body.length() + bytes.remaining() > limit) {
        result.completeExceptionally(UpstreamError.of(ErrorClass.SERVER_ERROR, 0,
            "The upstream answer is larger than " + limit + " bytes.").exception());
        Call c = call;
        if (c != null) c.cancel();
        return true;
      }
      body.append(ByteString.fromByteBuffer(bytes));
      return true;
    }

    @Override
    void onSuccessEnd() {
      result.complete(body.result());
    }

    @Override
    void onError(UpstreamException error) {
      result.completeExceptionally(error);
    }
  }

  /** Maps transport failures to {@link ErrorClass#CONNECTION} or {@link ErrorClass#TIMEOUT}; keeps classified ones. */
  public static UpstreamException asUpstream(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof UpstreamException u) return u;
    if (cause instanceof InvalidRequestException invalid) {
      // the adapter found the request untranslatable for its provider: the client's mistake, not worth retrying
      return UpstreamError.of(ErrorClass.BAD_REQUEST, 400, invalid.getMessage()).exception();
    }
    if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
      return UpstreamError.of(ErrorClass.TIMEOUT, 0, "The upstream did not answer in time.").exception();
    }
    String what;
    if (cause instanceof ConnectException || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
      what = "The upstream connection failed.";
    } else if (cause instanceof MalformedResponseException) {
      what = "The upstream sent a malformed HTTP response.";
    } else {
      what = "The upstream connection broke: " + cause.getClass().getSimpleName() + ".";
    }
    return UpstreamError.of(ErrorClass.CONNECTION, 0, what).exception();
  }
}
