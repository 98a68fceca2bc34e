package io.hedgerow.providers.anthropic;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.upstream.SseEvent;
import io.hedgerow.providers.upstream.UpstreamClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Anthropic's Messages API ({@code POST <base-url>/v1/messages}), authenticated with {@code x-api-key}.
 * A request the mapping cannot express fails the source or stage with an {@link InvalidRequestException}
 * before anything is sent.
 */
public final class AnthropicAdapter implements ProviderAdapter {
  /** Marks the end of the upstream events, so the decoder can tell a finished stream from a cut one. */
  private static final SseEvent END_OF_STREAM = new SseEvent("hedgerow-end-of-stream", ByteString.emptyByteString());

  private final UpstreamClient client;
  private final Uri messagesUri;
  private final List<HttpHeader> headers;
  private final AnthropicRequestMapper mapper;

  public AnthropicAdapter(ProviderSettings settings, UpstreamClient client) {
    this.client = client;
    this.messagesUri = Uri.create(stripSlash(settings.baseUrl()) + "/v1/messages");
    AnthropicSettings anthropic = AnthropicSettings.from(settings.config());
    List<HttpHeader> h = new ArrayList<>();
    settings.apiKey().ifPresent(k -> h.add(RawHeader.create("x-api-key", k.value())));
    h.add(RawHeader.create("anthropic-version", anthropic.version()));
    if (!anthropic.betas().isEmpty()) h.add(RawHeader.create("anthropic-beta", String.join(",", anthropic.betas())));
    settings.headers().forEach((name, value) -> h.add(RawHeader.create(name, value)));
    this.headers = List.copyOf(h);
    this.mapper = new AnthropicRequestMapper(anthropic);
  }

  @Override
  public Source<ChatChunk, NotUsed> streamChat(ChatRequest request, String upstreamModel) {
    AnthropicRequest call;
    try {
      call = mapper.toUpstream(request, upstreamModel, true);
    } catch (InvalidRequestException e) {
      return Source.failed(e);
    }
    return client.events(post(call), AnthropicErrors::classify)
        .concat(Source.single(END_OF_STREAM))
        .statefulMapConcat(() -> {
          AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(call.shape(), Instant.now().getEpochSecond());
          return event -> event == END_OF_STREAM ? decoder.end() : decoder.decode(event);
        });
  }

  @Override
  public CompletionStage<ChatCompletion> completeChat(ChatRequest request, String upstreamModel) {
    AnthropicRequest call;
    try {
      call = mapper.toUpstream(request, upstreamModel, false);
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    return client.answer(post(call), AnthropicErrors::classify,
        body -> AnthropicResponseMapper.fromUpstream(body.toArrayUnsafe(), call.shape(), Instant.now().getEpochSecond()));
  }

  private HttpRequest post(AnthropicRequest call) {
    return HttpRequest.create().withMethod(HttpMethods.POST).withUri(messagesUri)
        .withHeaders(headers).withEntity(ContentTypes.APPLICATION_JSON, call.bytes());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
