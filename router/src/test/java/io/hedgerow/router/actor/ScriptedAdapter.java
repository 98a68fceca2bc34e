package io.hedgerow.router.actor;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.chat.AssistantMessage;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.CompletionChoice;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A provider adapter whose answers are whatever the test scripts: a fresh {@link Source} per streamed call,
 * a future per embeddings call. Counts its calls so a test can tell a candidate was never tried.
 */
final class ScriptedAdapter implements ProviderAdapter {
  private final Supplier<Source<ChatChunk, NotUsed>> chat;
  private final Supplier<CompletionStage<EmbeddingResult>> embeddings;
  private Supplier<CompletionStage<ChatCompletion>> plain = () -> CompletableFuture.failedFuture(
      UpstreamError.of(ErrorClass.BAD_REQUEST, 400, "no plain answer scripted").exception());
  private final AtomicInteger chatCalls = new AtomicInteger();
  private final AtomicInteger embedCalls = new AtomicInteger();
  private final AtomicReference<String> lastUpstreamModel = new AtomicReference<>("");

  private ScriptedAdapter(Supplier<Source<ChatChunk, NotUsed>> chat, Supplier<CompletionStage<EmbeddingResult>> embeddings) {
    this.chat = chat;
    this.embeddings = embeddings;
  }

  /** Answers every streamed call with a fresh copy of the source the supplier builds. */
  static ScriptedAdapter streaming(Supplier<Source<ChatChunk, NotUsed>> chat) {
    return new ScriptedAdapter(chat, null);
  }

  static ScriptedAdapter answering(List<ChatChunk> chunks) {
    return streaming(() -> Source.from(chunks));
  }

  static ScriptedAdapter failing(ErrorClass errorClass, int status) {
    return streaming(() -> Source.failed(UpstreamError.of(errorClass, status, "scripted " + errorClass.label()).exception()));
  }

  /** A whole plain answer of {@code text}, as an adapter returns it from a plain call. */
  static ChatCompletion completion(String text) {
    return new ChatCompletion("chatcmpl-1", 1_700_000_000L, "m", List.of(new CompletionChoice(0,
        new AssistantMessage(Optional.of(text), Optional.empty(), List.of()), FinishReason.STOP)),
        Optional.of(new Usage(5, 7, 0, 0)));
  }

  /** Answers every plain (unstreamed) call with what the supplier gives; streamed calls fail as a bad request. */
  static ScriptedAdapter plain(Supplier<CompletionStage<ChatCompletion>> answers) {
    ScriptedAdapter adapter = streaming(
        () -> Source.failed(UpstreamError.of(ErrorClass.BAD_REQUEST, 400, "no stream scripted").exception()));
    adapter.plain = answers;
    return adapter;
  }

  /** Serves embeddings with the given outcome; chat calls fail as a bad request, which no test expects. */
  static ScriptedAdapter embedding(Supplier<CompletionStage<EmbeddingResult>> embeddings) {
    return new ScriptedAdapter(
        () -> Source.failed(UpstreamError.of(ErrorClass.BAD_REQUEST, 400, "not a chat provider").exception()), embeddings);
  }

  int chatCalls() {
    return chatCalls.get();
  }

  int embedCalls() {
    return embedCalls.get();
  }

  /** The model name the last call asked the upstream for. */
  String lastUpstreamModel() {
    return lastUpstreamModel.get();
  }

  @Override
  public Source<ChatChunk, NotUsed> streamChat(ChatRequest request, String upstreamModel) {
    chatCalls.incrementAndGet();
    lastUpstreamModel.set(upstreamModel);
    return chat.get();
  }

  @Override
  public CompletionStage<ChatCompletion> completeChat(ChatRequest request, String upstreamModel) {
    chatCalls.incrementAndGet();
    lastUpstreamModel.set(upstreamModel);
    return plain.get();
  }

  @Override
  public boolean supportsEmbeddings() {
    return embeddings != null;
  }

  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingRequest request, String upstreamModel) {
    embedCalls.incrementAndGet();
    lastUpstreamModel.set(upstreamModel);
    return embeddings.get();
  }
}
