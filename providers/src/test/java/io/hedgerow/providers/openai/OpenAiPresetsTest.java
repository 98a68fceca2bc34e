package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.fakeKey;
import static io.hedgerow.providers.openai.OpenAiFixtures.request;
import static io.hedgerow.providers.openai.OpenAiFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.ProviderKind;
import io.hedgerow.providers.ProviderKinds;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.json.EmbeddingRequestReader;
import io.hedgerow.providers.upstream.ApiKey;
import io.hedgerow.providers.upstream.UpstreamClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind's endpoint, key header and key variable, read off the HTTP request the adapter builds. */
class OpenAiPresetsTest {
  private static final String CHAT = "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static ActorTestKit kit;
  private static UpstreamClient client;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    client = new UpstreamClient(kit.system(), 1 << 20, 1 << 20);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static OpenAiAdapter adapter(String kind, String baseUrl, Optional<ApiKey> key, String hocon) {
    ProviderSettings s = settings(kind, baseUrl, key, hocon);
    return (OpenAiAdapter) ProviderKinds.of(kind).orElseThrow().factory().create(s, client);
  }

  private static Optional<String> header(HttpRequest r, String name) {
    return r.getHeader(name).map(HttpHeader::value);
  }

  @ParameterizedTest
  @CsvSource({
      "openai,     https://api.openai.com/v1,                              OPENAI_API_KEY",
      "deepseek,   https://api.deepseek.com/v1,                            DEEPSEEK_API_KEY",
      "mistral,    https://api.mistral.ai/v1,                              MISTRAL_API_KEY",
      "groq,       https://api.groq.com/openai/v1,                         GROQ_API_KEY",
      "together,   https://api.together.ai/v1,                             TOGETHER_API_KEY",
      "fireworks,  https://api.fireworks.ai/inference/v1,                  FIREWORKS_API_KEY",
      "xai,        https://api.x.ai/v1,                                    XAI_API_KEY",
      "openrouter, https://openrouter.ai/api/v1,                           OPENROUTER_API_KEY",
      "qwen,       https://dashscope-intl.aliyuncs.com/compatible-mode/v1, DASHSCOPE_API_KEY"})
  void hostedKindsPostToTheirDefaultBaseWithABearerKey(String kind, String base, String env) {
    assertEquals(Optional.of(base), ProviderKinds.of(kind).flatMap(ProviderKind::defaultBaseUrl));
    assertEquals(Optional.of(env), ProviderKinds.of(kind).flatMap(ProviderKind::apiKeyEnv));
    ApiKey key = fakeKey();
    HttpRequest r = adapter(kind, base, Optional.of(key), "").chatRequest(request(CHAT), "some-model", true);
    assertEquals(base + "/chat/completions", r.getUri().toString());
    assertEquals(Optional.of("Bearer " + key.value()), header(r, "Authorization"));
    assertFalse(r.getHeader("api-key").isPresent());
    assertEquals("application/json", r.entity().getContentType().toString());
  }

  @ParameterizedTest
  @CsvSource({"ollama, http://localhost:11434/v1", "vllm, http://localhost:8000/v1"})
  void localServersNeedNoKeyAndSendNoAuthorization(String kind, String base) {
    assertEquals(Optional.of(base), ProviderKinds.of(kind).flatMap(ProviderKind::defaultBaseUrl));
    assertEquals(Optional.empty(), ProviderKinds.of(kind).flatMap(ProviderKind::apiKeyEnv));
    HttpRequest r = adapter(kind, base, Optional.empty(), "").chatRequest(request(CHAT), "llama3.2", false);
    assertEquals(base + "/chat/completions", r.getUri().toString());
    assertFalse(r.getHeader("Authorization").isPresent());
  }

  @Test
  void azureNamesTheDeploymentInThePathAndSendsTheKeyAsApiKey() {
    ApiKey key = fakeKey();
    assertEquals(Optional.empty(), ProviderKinds.of("azure-openai").flatMap(ProviderKind::defaultBaseUrl));
    assertEquals(Optional.of("AZURE_OPENAI_API_KEY"), ProviderKinds.of("azure-openai").flatMap(ProviderKind::apiKeyEnv));
    OpenAiAdapter a = adapter("azure-openai", "https://hedgerow-test.openai.azure.com/", Optional.of(key), "");
    HttpRequest r = a.chatRequest(request(CHAT), "gpt-4o-mini-prod", true);
    assertEquals("https://hedgerow-test.openai.azure.com/openai/deployments/gpt-4o-mini-prod/chat/completions"
        + "?api-version=2024-10-21", r.getUri().toString());
    assertEquals(Optional.of(key.value()), header(r, "api-key"));
    assertFalse(r.getHeader("Authorization").isPresent());
    EmbeddingRequest e = EmbeddingRequestReader.read(
        "{\"model\":\"emb\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals("https://hedgerow-test.openai.azure.com/openai/deployments/embed-small/embeddings?api-version=2024-10-21",
        a.embeddingRequest(e, "embed-small").getUri().toString());
  }

  @Test
  void azureApiVersionComesFromTheConfigBlock() {
    HttpRequest r = adapter("azure-openai", "https://x.openai.azure.com", Optional.of(fakeKey()),
        "api-version = \"2025-04-01-preview\"").chatRequest(request(CHAT), "dep", false);
    assertTrue(r.getUri().toString().endsWith("/openai/deployments/dep/chat/completions?api-version=2025-04-01-preview"),
        r.getUri().toString());
  }

  @Test
  void azureWithoutABaseUrlIsAConfigurationError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adapter("azure-openai", "", Optional.of(fakeKey()), ""));
    assertTrue(e.getMessage().contains("base-url"), e.getMessage());
  }

  @Test
  void missingBaseUrlFallsBackToThePresetDefault() {
    HttpRequest r = adapter("groq", "", Optional.of(fakeKey()), "").chatRequest(request(CHAT), "llama-3.3-70b-versatile", false);
    assertEquals("https://api.groq.com/openai/v1/chat/completions", r.getUri().toString());
  }

  @Test
  void configuredHeadersAreSentAlongsideTheKey() {
    ProviderSettings s = new ProviderSettings("or", "openrouter", "https://openrouter.ai/api/v1", Optional.of(fakeKey()),
        Map.of("HTTP-Referer", "https://hedgerow.example", "X-Title", "Hedgerow"),
        com.typesafe.config.ConfigFactory.empty());
    HttpRequest r = ((OpenAiAdapter) ProviderKinds.of("openrouter").orElseThrow().factory().create(s, client))
        .chatRequest(request(CHAT), "openai/gpt-4o", false);
    assertEquals(Optional.of("Hedgerow"), header(r, "X-Title"));
    assertEquals(Optional.of("https://hedgerow.example"), header(r, "HTTP-Referer"));
  }

  @Test
  void everyPresetIsARegisteredKindAndTheOriginalConstructorStillServesOpenAi() {
    for (OpenAiPreset p : OpenAiPresets.all()) assertTrue(ProviderKinds.names().contains(p.kind()), p.kind());
    OpenAiAdapter a = new OpenAiAdapter(settings("openai", "https://api.openai.com/v1/", Optional.of(fakeKey()), ""), client);
    assertEquals("https://api.openai.com/v1/chat/completions", a.chatRequest(request(CHAT), "gpt-4o", false).getUri().toString());
  }

  @Test
  void embeddingsSupportFollowsThePresetAndTheConfigBlock() {
    assertTrue(adapter("openai", "https://api.openai.com/v1", Optional.empty(), "").supportsEmbeddings());
    assertTrue(adapter("mistral", "https://api.mistral.ai/v1", Optional.empty(), "").supportsEmbeddings());
    for (String kind : new String[] {"groq", "deepseek", "xai"}) {
      assertFalse(adapter(kind, "", Optional.empty(), "").supportsEmbeddings(), kind);
    }
    assertTrue(adapter("xai", "", Optional.empty(), "embeddings = true").supportsEmbeddings());
    assertFalse(adapter("vllm", "", Optional.empty(), "embeddings = false").supportsEmbeddings());
  }
}
