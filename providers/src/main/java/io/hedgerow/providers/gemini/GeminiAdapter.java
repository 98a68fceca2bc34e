package io.hedgerow.providers.gemini;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.upstream.EndpointUris;
import io.hedgerow.providers.upstream.UpstreamClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Google Gemini through the Gemini API (AI Studio): {@code generateContent},
 * {@code streamGenerateContent?alt=sse} and {@code batchEmbedContents} under {@code <base-url>/v1beta},
 * the key in the {@code x-goog-api-key} header (never in the URL, where it would reach logs).
 */
public final class GeminiAdapter implements ProviderAdapter {
  private final UpstreamClient client;
  private final String modelsUrl;
  private final List<HttpHeader> headers;
  private final EndpointUris uris = new EndpointUris();
  private final GeminiRequestMapper mapper;

  public GeminiAdapter(ProviderSettings settings, UpstreamClient client) {
    this.client = client;
    String base = settings.baseUrl().endsWith("/")
        ? settings.baseUrl().substring(0, settings.baseUrl().length() - 1) : settings.baseUrl();
    this.modelsUrl = base + "/v1beta/models/";
    List<HttpHeader> h = new ArrayList<>();
    settings.apiKey().ifPresent(k -> h.add(RawHeader.create("x-goog-api-key", k.value())));
    settings.headers().forEach((name, value) -> h.add(RawHeader.create(name, value)));
    this.headers = List.copyOf(h);
    var config = settings.config();
    this.mapper = new GeminiRequestMapper(
        !config.hasPath("include-thoughts") || config.getBoolean("include-thoughts"),
        !config.hasPath("skip-thought-signature-validator") || config.getBoolean("skip-thought-signature-validator"));
  }

  @Override
  public Source<ChatChunk, NotUsed> streamChat(ChatRequest request, String upstreamModel) {
    byte[] body;
    try {
      body = mapper.toBytes(request);
    } catch (InvalidRequestException e) {
      return Source.failed(e);
    }
    HttpRequest post = post(modelsUrl + modelPath(upstreamModel) + ":streamGenerateContent?alt=sse", body);
    return client.events(post, GeminiErrors::classify)
        .concat(Source.single(GeminiStreamDecoder.END_OF_STREAM))
        .statefulMapConcat(() -> new GeminiStreamDecoder(upstreamModel, request.reasoning())::accept);
  }

  @Override
  public CompletionStage<ChatCompletion> completeChat(ChatRequest request, String upstreamModel) {
    byte[] body;
    try {
      body = mapper.toBytes(request);
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client.answer(post(modelsUrl + modelPath(upstreamModel) + ":generateContent", body), GeminiErrors::classify,
        b -> GeminiResponseMapper.fromUpstream(b.toArrayUnsafe(), upstreamModel, request.reasoning()));
  }

  @Override
  public boolean supportsEmbeddings() {
    return true;
  }

  /** Batches of at most {@link GeminiEmbeddingMapper#MAX_BATCH} inputs go out together; vectors keep input order. */
  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingRequest request, String upstreamModel) {
    String model = modelPath(upstreamModel);
    String url = modelsUrl + model + ":batchEmbedContents";
    List<String> inputs = request.inputs();
    List<CompletableFuture<List<float[]>>> batches = new ArrayList<>();
    for (int from = 0; from < inputs.size(); from += GeminiEmbeddingMapper.MAX_BATCH) {
      List<String> batch = inputs.subList(from, Math.min(inputs.size(), from + GeminiEmbeddingMapper.MAX_BATCH));
      batches.add(client.body(post(url, GeminiEmbeddingMapper.toUpstream(batch, request.dimensions(), model)),
              GeminiErrors::classify)
          .thenApply(b -> GeminiEmbeddingMapper.vectors(b.toArrayUnsafe(), batch.size()))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<float[]> vectors = new ArrayList<>(inputs.size());
      batches.forEach(b -> vectors.addAll(b.join()));
      return GeminiEmbeddingMapper.result(request, upstreamModel, vectors);
    });
  }

  /** Google's own names carry a {@code models/} prefix; accept a configured model written either way. */
  private static String modelPath(String upstreamModel) {
    return upstreamModel.startsWith("models/") ? upstreamModel.substring("models/".length()) : upstreamModel;
  }

  private HttpRequest post(String url, byte[] body) {
    return HttpRequest.create().withMethod(HttpMethods.POST).withUri(uris.of(url))
        .withHeaders(headers).withEntity(ContentTypes.APPLICATION_JSON, body);
  }
}
