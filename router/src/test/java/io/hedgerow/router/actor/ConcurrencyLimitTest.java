package io.hedgerow.router.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.ChunkChoice;
import io.hedgerow.providers.chat.Delta;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.routing.Candidate;
import io.hedgerow.router.routing.Route;
import io.hedgerow.router.routing.RouteTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A burst of ten times a provider's concurrency limit through the router: the upstream itself counts
 * the streams open at once, and never sees more than the limit.
 */
class ConcurrencyLimitTest {
  private static final int LIMIT = 3;
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("ConcurrencyLimitTest");
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** An upstream that answers after a short pause and records how many of its answers were open at once. */
  private static final class CountingUpstream implements ProviderAdapter {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Source<ChatChunk, NotUsed> streamChat(ChatRequest request, String upstreamModel) {
      return Source.lazySource(() -> {
        calls.incrementAndGet();
        peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        return Source.from(List.of(
                ChatChunk.of("c", 1, "m", ChunkChoice.of(Delta.content("Hello"))),
                ChatChunk.of("c", 1, "m", ChunkChoice.finish(FinishReason.STOP))))
            .initialDelay(Duration.ofMillis(50))
            // counted down inside the stream, before its completion reaches the gateway and frees the permit
            .concat(Source.lazySource(() -> {
              open.decrementAndGet();
              return Source.<ChatChunk>empty();
            }));
      }).mapMaterializedValue(m -> NotUsed.notUsed());
    }

    @Override
    public CompletionStage<ChatCompletion> completeChat(ChatRequest request, String upstreamModel) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("streams only"));
    }
  }

  @Test
  void burstOfTenTimesTheLimitNeverHasMoreThanTheLimitOpenUpstream() throws Exception {
    CountingUpstream upstream = new CountingUpstream();
    ProviderSettings settings = new ProviderSettings("a", "scripted", "http://a.invalid", Optional.empty(), Map.of(),
        ConfigFactory.empty());
    AttemptTimeouts timeouts = new AttemptTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30));
    RouteTable routes = new RouteTable(Map.of("chat", Route.single("chat", new Candidate("a", "a-model", "chat"))), Set.of("a"));
    ActorRef<Router.Command> router = kit.spawn(Router.create(routes,
        Map.of("a", new ProviderConfig(settings, LIMIT, timeouts)), system -> config -> upstream));
    ChatRequest request = ChatRequestReader.read(
        "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8));

    List<TestProbe<ExchangeReply>> probes = new ArrayList<>();
    for (int i = 0; i < 10 * LIMIT; i++) {
      TestProbe<ExchangeReply> probe = kit.createTestProbe();
      router.tell(new Router.Dispatch(request, probe.ref()));
      probes.add(probe);
    }
    List<CompletableFuture<List<ChatChunk>>> answers = new ArrayList<>();
    int turnedAway = 0;
    for (TestProbe<ExchangeReply> probe : probes) {
      ExchangeReply reply = probe.receiveMessage(Duration.ofSeconds(10));
      if (reply instanceof ExchangeReply.Streaming s) {
        answers.add(s.chunks().runWith(Sink.seq(), Materializer.matFromSystem(kit.system())).toCompletableFuture());
      } else {
        ExchangeReply.Failed f = assertInstanceOf(ExchangeReply.Failed.class, reply);
        assertEquals(ErrorClass.RATE_LIMITED, f.error().errorClass(), f.error().message());
        assertTrue(f.error().retryAfter().isPresent(), "a 429 says when to come back");
        turnedAway++;
      }
    }
    for (var answer : answers) answer.get(10, TimeUnit.SECONDS);

    assertTrue(upstream.peak.get() <= LIMIT, "at most " + LIMIT + " open at once, saw " + upstream.peak.get());
    assertEquals(10 * LIMIT, answers.size() + turnedAway);
    assertEquals(answers.size(), upstream.calls.get());
    assertTrue(answers.size() >= LIMIT);
  }
}
