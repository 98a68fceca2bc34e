package io.hedgerow.providers.upstream;

import io.hedgerow.providers.upstream.http1.ResponseHead;
import io.hedgerow.providers.upstream.http1.ResponseListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.slf4j.LoggerFactory;

/**
 * Reads one upstream response on the client's IO thread: shows its head to the observer, and turns a
 * non-2xx answer into the provider's classified error (from at most 64 KiB of its body), so that a
 * subclass sees only a successful body, or an {@link UpstreamException}.
 */
abstract class ClassifyingListener implements ResponseListener {
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final ErrorClassifier classifier;
  private final UpstreamObserver observer;
  private HttpResponse errorHead;
  private ByteStringBuilder errorBody;

  ClassifyingListener(ErrorClassifier classifier, UpstreamObserver observer) {
    this.classifier = classifier;
    this.observer = observer;
  }

  /** A piece of a successful body, valid only during the call; false pauses reading. */
  abstract boolean onSuccessBody(ByteBuffer bytes);

  abstract void onSuccessEnd();

  abstract void onError(UpstreamException error);

  @Override
  public final void onHead(ResponseHead head) {
    boolean success = head.status() >= 200 && head.status() < 300;
    if (success && observer == UpstreamObserver.NONE) return;
    HttpResponse response = asPekko(head);
    try {
      observer.onResponse(response);
    } catch (RuntimeException e) {
      // learning from headers is best effort: a bad header must never fail the call itself
      LoggerFactory.getLogger(UpstreamClient.class).debug("Upstream observer failed", e);
    }
    if (!success) {
      errorHead = response;
      errorBody = new ByteStringBuilder();
    }
  }

  @Override
  public final boolean onBody(ByteBuffer bytes) {
    if (errorHead == null) return onSuccessBody(bytes);
    if (errorBody != null) {
      if (errorBody.length() + bytes.remaining() > MAX_ERROR_BODY) errorBody = null; // classified without it
      else errorBody.append(ByteString.fromByteBuffer(bytes));
    }
    return true;
  }

  @Override
  public final void onComplete() {
    if (errorHead == null) {
      onSuccessEnd();
      return;
    }
    ByteString body = errorBody == null ? ByteString.emptyByteString() : errorBody.result();
    onError(classifier.classify(errorHead, body).exception());
  }

  @Override
  public final void onFailure(IOException failure) {
    onError(UpstreamClient.asUpstream(failure));
  }

  /** The head as Pekko's model, which the providers' classifiers and the rate-limit observer read. */
  private static HttpResponse asPekko(ResponseHead head) {
    List<HttpHeader> headers = new ArrayList<>(head.headers().size());
    for (String[] h : head.headers()) headers.add(RawHeader.create(h[0], h[1]));
    StatusCode status = StatusCodes.lookup(head.status()).orElseGet(() ->
        StatusCodes.custom(head.status(), head.reason(), "", head.status() < 400, true));
    return HttpResponse.create().withStatus(status).addHeaders(headers);
  }
}
