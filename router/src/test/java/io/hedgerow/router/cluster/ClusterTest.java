package io.hedgerow.router.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.router.actor.Outcome;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.testkit.RunningGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real gateways in one JVM, each its own actor system on its own loopback Artery port, forming one
 * Pekko Cluster: they split a provider's limits three ways, a burst spread over them stays within the
 * provider's limit, a circuit opened on one node closes the provider on the others, and a node that
 * leaves hands its share back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  /** The provider's limits across the cluster. */
  private static final int RPM = 30;
  private static final int MAX_CONCURRENT = 90;

  private static final List<RunningGateway> nodes = new ArrayList<>();
  private static ActorTestKit probes;

  @BeforeAll
  static void startThreeNodes() throws Exception {
    int[] ports = {freePort(), freePort(), freePort()};
    for (int port : ports) nodes.add(RunningGateway.start(node(port, ports[0])));
    probes = ActorTestKit.create("cluster-test-probes");
  }

  @AfterAll
  static void stopAll() {
    nodes.forEach(RunningGateway::close);
    if (probes != null) probes.shutdownTestKit();
  }

  private static String node(int port, int seedPort) {
    return """
        hedgerow {
          sim.embedded = on
          sim.instances = [
            { name = upstream, ttft { p50 = 5ms, p99 = 10ms }, inter-token-delay = 1ms, output-tokens = 4 }
            { name = broken, ttft { p50 = 5ms, p99 = 10ms }, faults.server-error = 1.0 }
          ]
          provider-defaults.circuit-breaker { consecutive-failures = 2, cool-down = 30s }
          providers {
            limited { kind = openai, base-url = "sim://upstream/v1",
                      limits { requests-per-minute = %d, max-concurrent = %d, queue-timeout = 0s } }
            backup { kind = openai, base-url = "sim://upstream/v1" }
            broken { kind = openai, base-url = "sim://broken/v1" }
          }
          models {
            limited { provider = limited, upstream-model = "m-limited" }
            backup { provider = backup, upstream-model = "m-backup" }
            broken { provider = broken, upstream-model = "m-broken" }
          }
          routes {
            limited-only { targets = [limited] }
            broken-first { targets = [broken, backup] }
          }
          cluster { enabled = on, port = %d, seed-nodes = ["127.0.0.1:%d"], split-brain-resolver.stable-after = 3s }
        }
        """.formatted(RPM, MAX_CONCURRENT, port, seedPort);
  }

  @Test
  @Order(1)
  void threeNodesFormOneClusterAndEachEnforcesAThirdOfTheLimits() {
    TestProbe<Object> probe = probes.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(15), () -> {
      for (RunningGateway node : nodes) {
        JsonNode view = adminCluster(node);
        assertTrue(view.get("enabled").asBoolean());
        assertEquals(3, view.get("members").size(), view.toString());
        for (JsonNode m : view.get("members")) {
          assertEquals("up", m.get("status").asText());
          assertEquals(1.0 / 3, m.get("share").asDouble(), 1e-9);
          assertEquals(RPM / 3, m.get("providers").get("limited").get("requestsPerMinute").asInt());
        }
        assertEquals(MAX_CONCURRENT / 3, node.snapshot("limited").maxConcurrent());
      }
      return null;
    });
  }

  @Test
  @Order(2)
  void aBurstSpreadOverTheNodesNeverExceedsTheProviderLimit() throws Exception {
    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 3 * RPM; i++) {
      RunningGateway node = nodes.get(i % nodes.size());
      calls.add(node.client().sendAsync(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/chat/completions"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"limited-only\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int admitted = 0;
    int limited = 0;
    for (var call : calls) {
      int status = call.get(30, TimeUnit.SECONDS).statusCode();
      if (status == 200) admitted++;
      else if (status == 429) limited++;
    }
    long granted = nodes.stream().mapToLong(n -> n.snapshot("limited").granted()).sum();
    // The buckets refill at RPM per minute across the cluster while the burst runs: that, rounded up, is the
    // only allowance over the limit.
    double refilled = RPM * (System.nanoTime() - start) / 60e9;
    assertTrue(granted <= RPM + Math.ceil(refilled), "granted " + granted + " of a limit of " + RPM + " + " + refilled);
    assertEquals(granted, admitted);
    assertEquals(3 * RPM, admitted + limited, "every request got 200 or 429");
    assertTrue(admitted >= RPM - 3, "the cluster admits about its whole limit, got " + admitted);
  }

  @Test
  @Order(3)
  void aCircuitOpenedOnOneNodeIsSeenOnTheOthers() {
    RunningGateway first = nodes.get(0);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = first.post("/v1/chat/completions",
          "{\"model\":\"broken-first\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertEquals(200, r.statusCode(), r.body());
    }
    assertEquals("open", first.snapshot("broken").circuit());

    TestProbe<ProviderActor.AcquireReply> probe = probes.createTestProbe();
    for (RunningGateway other : nodes.subList(1, nodes.size())) {
      probe.awaitAssert(Duration.ofSeconds(3), () -> {
        other.gateway().providers().get("broken").tell(new ProviderActor.Acquire(probe.getRef()));
        ProviderActor.AcquireReply reply = probe.receiveMessage(Duration.ofSeconds(1));
        if (reply instanceof ProviderActor.Granted g) g.permit().owner().tell(
            new ProviderActor.Release(g.permit().id(), new Outcome.Cancelled(Duration.ZERO, false)));
        ProviderActor.Rejected rejected = assertInstanceOf(ProviderActor.Rejected.class, reply);
        assertEquals(ProviderActor.RejectReason.CIRCUIT_OPEN, rejected.reason());
        return null;
      });
      // The other node's own circuit never saw a failure: it routes around the provider on the first node's word.
      assertEquals("closed", other.snapshot("broken").circuit());
      JsonNode broken = adminProvider(other, "broken");
      assertEquals("circuit_open", broken.get("remoteUnavailable").asText(), broken.toString());
      assertTrue(broken.get("remoteUnavailableForMs").asLong() > 20_000, broken.toString());
      HttpResponse<String> r = other.post("/v1/chat/completions",
          "{\"model\":\"broken-first\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("backup", r.headers().firstValue("x-hedgerow-provider").orElse(""));
      assertEquals(0, other.sim("broken").counters().requestsReceived(), "the other node never called the broken provider");
    }
  }

  @Test
  @Order(4)
  void aNodeLeavingHandsItsShareBackToTheOthers() {
    nodes.remove(2).close();
    TestProbe<Object> probe = probes.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(15), () -> {
      for (RunningGateway node : nodes) {
        JsonNode view = adminCluster(node);
        long up = 0;
        for (JsonNode m : view.get("members")) {
          if (m.get("status").asText().equals("up")) {
            up++;
            assertEquals(0.5, m.get("share").asDouble(), 1e-9);
          }
        }
        assertEquals(2, up, view.toString());
        assertEquals(Math.round(MAX_CONCURRENT * 0.5), node.snapshot("limited").maxConcurrent());
      }
      return null;
    });
  }

  private static JsonNode adminCluster(RunningGateway node) {
    HttpResponse<String> r = node.get("/admin/cluster");
    assertEquals(200, r.statusCode(), r.body());
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** One provider's entry in {@code GET /admin/providers}. */
  private static JsonNode adminProvider(RunningGateway node, String provider) {
    HttpResponse<String> r = node.get("/admin/providers");
    assertEquals(200, r.statusCode(), r.body());
    try {
      for (JsonNode p : Json.MAPPER.readTree(r.body()).get("providers")) {
        if (p.get("provider").asText().equals(provider)) return p;
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no provider " + provider + " in " + r.body());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
