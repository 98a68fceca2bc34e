package io.hedgerow.router.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.providers.upstream.UpstreamException;
import io.hedgerow.router.actor.Outcome;
import io.hedgerow.router.actor.Permit;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.routing.Candidate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One attempt as a stream: its deadlines, and the one release of its permit, whichever way it ends. */
class AttemptPipelineTest {
  private static final Duration WITHIN = Duration.ofSeconds(3);
  private static final Candidate CANDIDATE = new Candidate("a", "a-model", "chat");
  private static ActorTestKit kit;
  private static Materializer materializer;
  private static ChatRequest request;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    materializer = Materializer.matFromSystem(kit.system());
    request = ChatRequestReader.read(
        "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static ProviderAdapter upstream(Supplier<Source<ChatChunk, NotUsed>> chunks) {
    return new ProviderAdapter() {
      @Override
      public Source<ChatChunk, NotUsed> streamChat(ChatRequest r, String upstreamModel) {
        return chunks.get();
      }

      @Override
      public CompletionStage<ChatCompletion> completeChat(ChatRequest r, String upstreamModel) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("an attempt pipeline only streams"));
      }
    };
  }

  private static Source<ChatChunk, UniqueKillSwitch> attempt(
      Source<ChatChunk, NotUsed> chunks, AttemptTimeouts timeouts, TestProbe<ProviderActor.Command> provider) {
    return AttemptPipeline.of(upstream(() -> chunks), request, CANDIDATE, timeouts,
        new Permit("a", 1, provider.ref()));
  }

  private static Source<ChatChunk, NotUsed> thenSilence(ChatChunk... chunks) {
    return Source.from(List.of(chunks)).concat(Source.<ChatChunk>maybe().mapMaterializedValue(m -> NotUsed.notUsed()));
  }

  private static AttemptTimeouts timeouts(long firstTokenMs, long idleMs, long totalMs) {
    return new AttemptTimeouts(Duration.ofMillis(firstTokenMs), Duration.ofMillis(idleMs), Duration.ofMillis(totalMs));
  }

  private static Outcome released(TestProbe<ProviderActor.Command> provider) {
    ProviderActor.Command first = provider.receiveMessage(WITHIN);
    if (first instanceof ProviderActor.FirstTokenSeen seen) {
      assertEquals(1, seen.permitId()); // a token came first: the provider hears of it before the release
      first = provider.receiveMessage(WITHIN);
    }
    ProviderActor.Release release = assertInstanceOf(ProviderActor.Release.class, first);
    assertEquals(1, release.permitId());
    provider.expectNoMessage(Duration.ofMillis(100));
    return release.outcome();
  }

  @Test
  void completedAttemptReleasesItsPermitOnceAsASuccess() throws Exception {
    TestProbe<ProviderActor.Command> provider = kit.createTestProbe();
    List<ChatChunk> out = attempt(Source.from(Chunks.answer("Hel", "lo")), timeouts(5000, 5000, 10000), provider)
        .runWith(Sink.seq(), materializer).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals("Hello", Chunks.textOf(out));
    assertEquals(3, out.size()); // the role opener is folded into the first token
    assertInstanceOf(Outcome.Succeeded.class, released(provider));
  }

  @Test
  void noFirstTokenByTheDeadlineFailsAsATimeout() {
    TestProbe<ProviderActor.Command> provider = kit.createTestProbe();
    var all = attempt(thenSilence(Chunks.roleOpener()), timeouts(200, 5000, 10000), provider)
        .runWith(Sink.seq(), materializer).toCompletableFuture();

    ExecutionException failure = assertThrows(ExecutionException.class, () -> all.get(5, TimeUnit.SECONDS));
    UpstreamException timeout = assertInstanceOf(UpstreamException.class, failure.getCause());
    assertEquals(ErrorClass.TIMEOUT, timeout.error().errorClass());
    assertTrue(timeout.error().message().contains("first token within 200ms"), timeout.error().message());
    assertEquals(ErrorClass.TIMEOUT, assertInstanceOf(Outcome.Failed.class, released(provider)).errorClass());
  }

  @Test
  void silenceAfterTheFirstTokenFailsAsAnIdleTimeoutAfterTheTokenWasDelivered() {
    TestProbe<ProviderActor.Command> provider = kit.createTestProbe();
    List<ChatChunk> seen = new CopyOnWriteArrayList<>();
    var all = attempt(thenSilence(Chunks.text("Hi")), timeouts(5000, 200, 10000), provider)
        .map(c -> { seen.add(c); return c; })
        .runWith(Sink.seq(), materializer).toCompletableFuture();

    ExecutionException failure = assertThrows(ExecutionException.class, () -> all.get(5, TimeUnit.SECONDS));
    UpstreamException timeout = assertInstanceOf(UpstreamException.class, failure.getCause());
    assertEquals(ErrorClass.TIMEOUT, timeout.error().errorClass());
    assertTrue(timeout.error().message().contains("sent nothing for 200ms"), timeout.error().message());
    assertEquals("Hi", Chunks.textOf(seen));
    assertEquals(ErrorClass.TIMEOUT, assertInstanceOf(Outcome.Failed.class, released(provider)).errorClass());
  }

  @Test
  void upstreamFailureIsReleasedWithItsClass() {
    TestProbe<ProviderActor.Command> provider = kit.createTestProbe();
    attempt(Source.failed(UpstreamError.of(ErrorClass.AUTH, 401, "bad key").exception()), timeouts(5000, 5000, 10000), provider)
        .runWith(Sink.ignore(), materializer);

    assertEquals(ErrorClass.AUTH, assertInstanceOf(Outcome.Failed.class, released(provider)).errorClass());
  }
}
