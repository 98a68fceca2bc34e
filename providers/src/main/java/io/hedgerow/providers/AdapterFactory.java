package io.hedgerow.providers;

import io.hedgerow.providers.upstream.UpstreamClient;

/** Builds the adapter of one provider kind for one configured deployment. */
@FunctionalInterface
public interface AdapterFactory {
  ProviderAdapter create(ProviderSettings settings, UpstreamClient client);
}
