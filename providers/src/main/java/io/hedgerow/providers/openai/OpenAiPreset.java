package io.hedgerow.providers.openai;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one OpenAI-compatible provider kind needs beyond the common wire format: where it lives, how it
 * authenticates, and the request quirks it is known to have. A provider's config block may override the
 * quirks ({@link #withOverrides}).
 *
 * @param kind the provider kind a config names
 * @param defaultBaseUrl the OpenAI-style base that {@code /chat/completions} is appended to; absent where
 *     every deployment has its own host (Azure)
 * @param auth how the API key travels
 * @param layout how the endpoint URLs are built from the base URL
 * @param apiKeyEnv the environment variable users conventionally keep the key in; absent for local servers
 * @param rejectedFields request fields the provider answers with an error, removed before sending: a
 *     top-level name ({@code logprobs}) or {@code parent[].child} for a field of every element of an
 *     array ({@code messages[].name})
 * @param renamedFields request fields the provider knows under another name (old name to new name)
 * @param includeUsage whether the provider accepts {@code stream_options.include_usage}; when not,
 *     {@code stream_options} is not sent
 * @param embeddings whether the provider serves {@code /embeddings}
 * @param renamedEmbeddingFields embedding request fields the provider knows under another name
 */
public record OpenAiPreset(
    String kind,
    Optional<String> defaultBaseUrl,
    Auth auth,
    Layout layout,
    Optional<String> apiKeyEnv,
    Set<String> rejectedFields,
    Map<String, String> renamedFields,
    boolean includeUsage,
    boolean embeddings,
    Map<String, String> renamedEmbeddingFields) {

  /** How the API key is sent. */
  public enum Auth {
    /** {@code Authorization: Bearer <key>}, as OpenAI and nearly every compatible provider. */
    BEARER,
    /** {@code api-key: <key>}, as Azure OpenAI. */
    API_KEY_HEADER
  }

  /** How endpoint URLs are built. */
  public enum Layout {
    /** {@code <base>/chat/completions} and {@code <base>/embeddings}; the model travels in the body. */
    OPENAI,
    /** {@code <base>/openai/deployments/<deployment>/chat/completions?api-version=…}; the upstream model names the deployment. */
    AZURE_DEPLOYMENT
  }

  public OpenAiPreset {
    rejectedFields = Set.copyOf(rejectedFields);
    renamedFields = Map.copyOf(renamedFields);
    renamedEmbeddingFields = Map.copyOf(renamedEmbeddingFields);
  }

  /**
   * This preset with the provider block's overrides applied: {@code rejected-fields} (a list, replacing
   * the preset's), {@code include-usage} and {@code embeddings} (booleans).
   */
  public OpenAiPreset withOverrides(Config config) {
    Set<String> rejected = config.hasPath("rejected-fields")
        ? Set.copyOf(config.getStringList("rejected-fields")) : rejectedFields;
    boolean usage = config.hasPath("include-usage") ? config.getBoolean("include-usage") : includeUsage;
    boolean embed = config.hasPath("embeddings") ? config.getBoolean("embeddings") : embeddings;
    return new OpenAiPreset(kind, defaultBaseUrl, auth, layout, apiKeyEnv, rejected, renamedFields, usage, embed,
        renamedEmbeddingFields);
  }

  /** A preset with OpenAI's own behaviour at the given base URL; the catalogue refines it per kind. */
  static OpenAiPreset plain(String kind, String baseUrl, String apiKeyEnv) {
    return new OpenAiPreset(kind, Optional.of(baseUrl), Auth.BEARER, Layout.OPENAI, Optional.ofNullable(apiKeyEnv),
        Set.of(), Map.of(), true, true, Map.of());
  }

  OpenAiPreset rejecting(String... fields) {
    return new OpenAiPreset(kind, defaultBaseUrl, auth, layout, apiKeyEnv, Set.of(fields), renamedFields, includeUsage,
        embeddings, renamedEmbeddingFields);
  }

  OpenAiPreset renaming(Map<String, String> fields) {
    return new OpenAiPreset(kind, defaultBaseUrl, auth, layout, apiKeyEnv, rejectedFields, fields, includeUsage,
        embeddings, renamedEmbeddingFields);
  }

  OpenAiPreset renamingForEmbeddings(Map<String, String> fields) {
    return new OpenAiPreset(kind, defaultBaseUrl, auth, layout, apiKeyEnv, rejectedFields, renamedFields, includeUsage,
        embeddings, fields);
  }

  OpenAiPreset withoutStreamUsage() {
    return new OpenAiPreset(kind, defaultBaseUrl, auth, layout, apiKeyEnv, rejectedFields, renamedFields, false,
        embeddings, renamedEmbeddingFields);
  }

  OpenAiPreset withoutEmbeddings() {
    return new OpenAiPreset(kind, defaultBaseUrl, auth, layout, apiKeyEnv, rejectedFields, renamedFields, includeUsage,
        false, renamedEmbeddingFields);
  }
}
