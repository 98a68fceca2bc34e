package io.hedgerow.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.router.actor.ProviderSnapshot;
import io.hedgerow.router.testkit.RunningGateway;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider that says, in OpenAI's rate-limit headers, that it has no requests left for 30 s: the
 * gateway stops sending it requests until then, and its route's next candidate serves them instead.
 */
class RateLimitHeadersEndToEndTest {
  private static final String COMPLETION = """
      {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
       "choices":[{"index":0,"message":{"role":"assistant","content":"limited says hi"},"finish_reason":"stop"}],
       "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

  private static ActorTestKit upstreamKit;
  private static ServerBinding upstream;
  private static final AtomicInteger upstreamCalls = new AtomicInteger();
  private static RunningGateway gw;

  @BeforeAll
  static void start() throws Exception {
    upstreamKit = ActorTestKit.create("LimitedUpstream");
    upstream = Http.get(upstreamKit.system()).newServerAt("127.0.0.1", 0).bindSync(request -> {
      request.discardEntityBytes(upstreamKit.system());
      upstreamCalls.incrementAndGet();
      return org.apache.pekko.http.javadsl.model.HttpResponse.create()
          .addHeaders(List.of(
              RawHeader.create("x-ratelimit-remaining-requests", "0"),
              RawHeader.create("x-ratelimit-reset-requests", "30s"),
              RawHeader.create("x-ratelimit-remaining-tokens", "90000"),
              RawHeader.create("x-ratelimit-reset-tokens", "6m0s")))
          .withEntity(ContentTypes.APPLICATION_JSON, COMPLETION);
    }).toCompletableFuture().get(10, TimeUnit.SECONDS);
    gw = RunningGateway.start("""
        hedgerow {
          sim.embedded = on
          sim.instances = [ { name = backup, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 3 } ]
          providers {
            limited { kind = openai, base-url = "http://127.0.0.1:%d/v1" }
            backup { kind = openai, base-url = "sim://backup/v1" }
          }
          models {
            limited { provider = limited, upstream-model = "m" }
            backup { provider = backup, upstream-model = "b" }
          }
          routes { limited-first { targets = [limited, backup], hedging.enabled = false } } # its upstream answers plain JSON only
        }
        """.formatted(upstream.localAddress().getPort()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    upstream.unbind();
    upstreamKit.shutdownTestKit();
  }

  @Test
  void providerWithNoRequestsLeftIsSkippedUntilItsReset() {
    String body = "{\"model\":\"limited-first\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    HttpResponse<String> first = gw.post("/v1/chat/completions", body);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("limited", first.headers().firstValue("x-hedgerow-provider").orElseThrow());

    TestProbe<Object> probe = TestProbe.create(gw.gateway().system());
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      ProviderSnapshot.Bucket requests = gw.snapshot("limited").buckets().get("requests");
      assertEquals(0, requests.available());
      assertTrue(requests.heldForMs() > 25_000, requests.toString());
      return null;
    });

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> next = gw.post("/v1/chat/completions", body);
      assertEquals(200, next.statusCode(), next.body());
      assertEquals("backup", next.headers().firstValue("x-hedgerow-provider").orElseThrow());
      assertEquals("1", next.headers().firstValue("x-hedgerow-attempts").orElseThrow());
    }
    assertEquals(1, upstreamCalls.get(), "the limited provider was not called again before its reset");
    assertEquals(3, gw.snapshot("limited").rejectedByReason().get("rate_limited"));
  }
}
