package io.hedgerow.providers.upstream;

import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * Sees the status and headers of every upstream response as it arrives, success or error, before the
 * adapter reads its body: how the router learns a provider's own rate-limit signals. It must be quick,
 * must not block, and must not touch the entity.
 */
@FunctionalInterface
public interface UpstreamObserver {
  UpstreamObserver NONE = response -> {};

  void onResponse(HttpResponse response);
}
