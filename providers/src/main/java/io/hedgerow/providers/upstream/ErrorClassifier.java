package io.hedgerow.providers.upstream;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.util.ByteString;

/** A provider's reading of a non-2xx answer (status, headers, body) into an {@link UpstreamError}. */
@FunctionalInterface
public interface ErrorClassifier {
  UpstreamError classify(HttpResponse response, ByteString body);
}
