package io.hedgerow.providers.openai;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAI-compatible provider kinds Hedgerow knows, with their default endpoints, key variables and
 * documented quirks. A quirk is listed only where the provider's documentation or a reproducible
 * report says so; anything else is left to the config block ({@code rejected-fields}, {@code include-usage},
 * {@code embeddings}).
 */
public final class OpenAiPresets {
  public static final OpenAiPreset OPENAI = OpenAiPreset.plain("openai", "https://api.openai.com/v1", "OPENAI_API_KEY");

  /** Each deployment has its own host ({@code https://<resource>.openai.azure.com}), so there is no default base URL. */
  public static final OpenAiPreset AZURE_OPENAI = new OpenAiPreset("azure-openai", Optional.empty(),
      OpenAiPreset.Auth.API_KEY_HEADER, OpenAiPreset.Layout.AZURE_DEPLOYMENT, Optional.of("AZURE_OPENAI_API_KEY"),
      Set.of(), Map.of(), true, true, Map.of());

  /**
   * api-docs.deepseek.com: {@code /v1} is accepted for OpenAI compatibility. No embeddings endpoint.
   * deepseek-reasoner rejects {@code logprobs}/{@code top_logprobs}, but only that model does, so the
   * preset leaves them alone (a reasoner-only deployment can list them in {@code rejected-fields}).
   */
  public static final OpenAiPreset DEEPSEEK =
      OpenAiPreset.plain("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY").withoutEmbeddings();

  /**
   * Mistral validates strictly and answers 422 "Extra inputs are not permitted" for fields it does not
   * know, reported for {@code stream_options}, {@code max_completion_tokens}, {@code store}, {@code user} and
   * an assistant message's {@code reasoning_content}; its seed is {@code random_seed}, its embedding size
   * {@code output_dimension}. It sends stream usage without being asked.
   */
  public static final OpenAiPreset MISTRAL =
      OpenAiPreset.plain("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY")
          .withoutStreamUsage()
          .rejecting("store", "user", "messages[].reasoning_content")
          .renaming(Map.of("max_completion_tokens", "max_tokens", "seed", "random_seed"))
          .renamingForEmbeddings(Map.of("dimensions", "output_dimension"));

  /**
   * console.groq.com/docs/openai: {@code logprobs}, {@code logit_bias}, {@code top_logprobs} and
   * {@code messages[].name} are answered with a 400. No embeddings endpoint.
   */
  public static final OpenAiPreset GROQ =
      OpenAiPreset.plain("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY")
          .rejecting("logprobs", "logit_bias", "top_logprobs", "messages[].name")
          .withoutEmbeddings();

  /** docs.together.ai now documents the {@code api.together.ai} host ({@code api.together.xyz} still answers). */
  public static final OpenAiPreset TOGETHER =
      OpenAiPreset.plain("together", "https://api.together.ai/v1", "TOGETHER_API_KEY");

  public static final OpenAiPreset FIREWORKS =
      OpenAiPreset.plain("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY");

  /** docs.x.ai lists no embeddings endpoint among its OpenAI-compatible ones. */
  public static final OpenAiPreset XAI = OpenAiPreset.plain("xai", "https://api.x.ai/v1", "XAI_API_KEY").withoutEmbeddings();

  /** OpenRouter always sends stream usage; it accepts {@code stream_options} and ignores it. */
  public static final OpenAiPreset OPENROUTER =
      OpenAiPreset.plain("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY");

  /** DashScope's compatible mode, international endpoint (mainland China: {@code dashscope.aliyuncs.com}). */
  public static final OpenAiPreset QWEN =
      OpenAiPreset.plain("qwen", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY");

  /** A local Ollama server: no key, though one is sent if configured. */
  public static final OpenAiPreset OLLAMA = OpenAiPreset.plain("ollama", "http://localhost:11434/v1", null);

  /** A vLLM server: no key unless it was started with {@code --api-key}. */
  public static final OpenAiPreset VLLM = OpenAiPreset.plain("vllm", "http://localhost:8000/v1", null);

  private static final Map<String, OpenAiPreset> BY_KIND = index(
      OPENAI, AZURE_OPENAI, DEEPSEEK, MISTRAL, GROQ, TOGETHER, FIREWORKS, XAI, OPENROUTER, QWEN, OLLAMA, VLLM);

  private OpenAiPresets() {}

  public static Optional<OpenAiPreset> of(String kind) {
    return Optional.ofNullable(BY_KIND.get(kind));
  }

  public static Collection<OpenAiPreset> all() {
    return BY_KIND.values();
  }

  /** The base URL a provider of this kind uses when its config names none; empty for Azure and unknown kinds. */
  public static Optional<String> defaultBaseUrl(String kind) {
    return of(kind).flatMap(OpenAiPreset::defaultBaseUrl);
  }

  /** The environment variable a key for this kind is conventionally read from; empty for local servers and unknown kinds. */
  public static Optional<String> defaultApiKeyEnv(String kind) {
    return of(kind).flatMap(OpenAiPreset::apiKeyEnv);
  }

  private static Map<String, OpenAiPreset> index(OpenAiPreset... presets) {
    Map<String, OpenAiPreset> m = new LinkedHashMap<>();
    for (OpenAiPreset p : presets) m.put(p.kind(), p);
    return Collections.unmodifiableMap(m);
  }
}
