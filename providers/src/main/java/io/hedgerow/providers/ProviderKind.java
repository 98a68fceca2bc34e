package io.hedgerow.providers;

import java.util.Optional;

/** A kind a config may name: how to build its adapter, where it lives by default, where its key usually is. */
public record ProviderKind(String name, AdapterFactory factory, Optional<String> defaultBaseUrl, Optional<String> apiKeyEnv) {}
