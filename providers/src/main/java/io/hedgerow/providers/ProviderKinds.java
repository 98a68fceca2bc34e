package io.hedgerow.providers;

import io.hedgerow.providers.anthropic.AnthropicAdapter;
import io.hedgerow.providers.gemini.GeminiAdapter;
import io.hedgerow.providers.openai.OpenAiAdapter;
import io.hedgerow.providers.openai.OpenAiPresets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider kinds a config may name. Adding a provider is adding its package and one entry here (or,
 * for an OpenAI-compatible one, one preset in {@link OpenAiPresets}).
 */
public final class ProviderKinds {
  private static final Map<String, ProviderKind> KINDS = new TreeMap<>();

  static {
    add(new ProviderKind("anthropic", AnthropicAdapter::new,
        Optional.of("https://api.anthropic.com"), Optional.of("ANTHROPIC_API_KEY")));
    add(new ProviderKind("gemini", GeminiAdapter::new,
        Optional.of("https://generativelanguage.googleapis.com"), Optional.of("GEMINI_API_KEY")));
    OpenAiPresets.all().forEach(p ->
        add(new ProviderKind(p.kind(), OpenAiAdapter.factory(p), p.defaultBaseUrl(), p.apiKeyEnv())));
  }

  private ProviderKinds() {}

  private static void add(ProviderKind kind) {
    KINDS.put(kind.name(), kind);
  }

  public static Optional<ProviderKind> of(String name) {
    return Optional.ofNullable(KINDS.get(name));
  }

  public static Set<String> names() {
    return KINDS.keySet();
  }
}
