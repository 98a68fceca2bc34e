package io.hedgerow.providers;

import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Translates between Hedgerow's OpenAI-shaped model and one provider's API. Pure translation plus the
 * HTTP call: no state, no routing. Failures surface as {@link io.hedgerow.providers.upstream.UpstreamException}.
 */
public interface ProviderAdapter {

  /**
   * The answer as OpenAI chunks. Cold: the upstream call starts when the source is materialized, and
   * cancelling the source closes the upstream connection.
   */
  Source<ChatChunk, NotUsed> streamChat(ChatRequest request, String upstreamModel);

  /**
   * The answer of a plain (non-streamed) upstream call. Cancelling the returned stage's
   * {@code toCompletableFuture()} abandons the call and closes its upstream connection.
   */
  CompletionStage<ChatCompletion> completeChat(ChatRequest request, String upstreamModel);

  /** True when {@link #embed} reaches an embeddings endpoint of this provider. */
  default boolean supportsEmbeddings() {
    return false;
  }

  /** Embeds the inputs; only called when {@link #supportsEmbeddings()} is true. */
  default CompletionStage<EmbeddingResult> embed(EmbeddingRequest request, String upstreamModel) {
    return CompletableFuture.failedFuture(
        UpstreamError.of(ErrorClass.BAD_REQUEST, 400, "This provider does not serve embeddings.").exception());
  }
}
