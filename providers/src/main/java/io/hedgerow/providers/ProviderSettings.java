package io.hedgerow.providers;

import com.typesafe.config.Config;
import io.hedgerow.providers.upstream.ApiKey;
import java.util.Map;
import java.util.Optional;

/**
 * One configured provider deployment: its name, kind, where it is, its credential (read from the
 * environment, never the file), extra headers, and its whole config block for kind-specific settings.
 */
public record ProviderSettings(
    String name, String kind, String baseUrl, Optional<ApiKey> apiKey, Map<String, String> headers, Config config) {

  @Override
  public String toString() {
    return "ProviderSettings[" + name + ", kind=" + kind + ", base-url=" + baseUrl + "]";
  }
}
