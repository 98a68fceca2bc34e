package io.hedgerow.providers.openai;

import io.hedgerow.providers.AdapterFactory;
import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.EndpointUris;
import io.hedgerow.providers.upstream.UpstreamClient;
import io.hedgerow.providers.upstream.UpstreamError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Any OpenAI-compatible upstream, shaped by its {@link OpenAiPreset}: the body passes through nearly as the
 * client wrote it. Reads from the provider block: {@code rejected-fields}, {@code include-usage} and
 * {@code embeddings} (overriding the preset) and, for Azure, {@code api-version}.
 */
public final class OpenAiAdapter implements ProviderAdapter {
  private final UpstreamClient client;
  private final OpenAiPreset preset;
  private final OpenAiEndpoints endpoints;
  private final List<HttpHeader> headers;
  private final EndpointUris uris = new EndpointUris();

  /** The plain {@code openai} kind. */
  public OpenAiAdapter(ProviderSettings settings, UpstreamClient client) {
    this(OpenAiPresets.OPENAI, settings, client);
  }

  public OpenAiAdapter(OpenAiPreset kindPreset, ProviderSettings settings, UpstreamClient client) {
    OpenAiPreset preset = kindPreset.withOverrides(settings.config());
    this.client = client;
    this.preset = preset;
    String baseUrl = settings.baseUrl() == null || settings.baseUrl().isBlank()
        ? preset.defaultBaseUrl().orElseThrow(() -> new IllegalArgumentException(
            "Provider '" + settings.name() + "' of kind " + preset.kind() + " needs a base-url."))
        : settings.baseUrl();
    String apiVersion = settings.config().hasPath("api-version")
        ? settings.config().getString("api-version") : OpenAiEndpoints.AZURE_DEFAULT_API_VERSION;
    this.endpoints = new OpenAiEndpoints(baseUrl, preset.layout(), apiVersion);
    List<HttpHeader> h = new ArrayList<>();
    settings.apiKey().ifPresent(k -> h.add(switch (preset.auth()) {
      case BEARER -> RawHeader.create("Authorization", "Bearer " + k.value());
      case API_KEY_HEADER -> RawHeader.create("api-key", k.value());
    }));
    settings.headers().forEach((name, value) -> h.add(RawHeader.create(name, value)));
    this.headers = List.copyOf(h);
  }

  /** The factory a provider kind registers: adapters for this preset. */
  public static AdapterFactory factory(OpenAiPreset preset) {
    return (settings, client) -> new OpenAiAdapter(preset, settings, client);
  }

  @Override
  public Source<ChatChunk, NotUsed> streamChat(ChatRequest request, String upstreamModel) {
    return client.events(chatRequest(request, upstreamModel, true), OpenAiErrors::classify).via(decoding());
  }

  /** One {@link OpenAiChunkDecoder} per stream, told when the upstream ends so it can hand over held usage. */
  static Flow<SseEvent, ChatChunk, NotUsed> decoding() {
    return Flow.<SseEvent>create()
        .statefulMap(OpenAiChunkDecoder::new, (decoder, event) -> Pair.create(decoder, decoder.next(event)),
            decoder -> Optional.of(decoder.finish()))
        .mapConcat(chunks -> chunks);
  }

  @Override
  public CompletionStage<ChatCompletion> completeChat(ChatRequest request, String upstreamModel) {
    return client.answer(chatRequest(request, upstreamModel, false), OpenAiErrors::classify,
        body -> OpenAiResponseMapper.fromUpstream(body.toArrayUnsafe()));
  }

  @Override
  public boolean supportsEmbeddings() {
    return preset.embeddings();
  }

  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingRequest request, String upstreamModel) {
    if (!preset.embeddings()) {
      return CompletableFuture.failedFuture(UpstreamError.of(ErrorClass.BAD_REQUEST, 400,
          "Provider kind " + preset.kind() + " does not serve embeddings.").exception());
    }
    return client.body(embeddingRequest(request, upstreamModel), OpenAiErrors::classify)
        .thenApply(body -> OpenAiEmbeddingMapper.fromUpstream(body.toArrayUnsafe(), upstreamModel, request.inputs().size()));
  }

  HttpRequest chatRequest(ChatRequest request, String upstreamModel, boolean stream) {
    return post(endpoints.chat(upstreamModel), OpenAiRequestMapper.toUpstream(request, upstreamModel, stream, preset));
  }

  HttpRequest embeddingRequest(EmbeddingRequest request, String upstreamModel) {
    return post(endpoints.embeddings(upstreamModel), OpenAiEmbeddingMapper.toUpstream(request, upstreamModel, preset));
  }

  private HttpRequest post(String url, byte[] body) {
    return HttpRequest.create().withMethod(HttpMethods.POST).withUri(uris.of(url))
        .withHeaders(headers).withEntity(ContentTypes.APPLICATION_JSON, body);
  }
}
