package io.hedgerow.router.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.ProviderSettings;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.router.actor.Admission;
import io.hedgerow.router.actor.Outcome;
import io.hedgerow.router.actor.Permit;
import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.actor.ProviderActor.AcquireReply;
import io.hedgerow.router.actor.ProviderActor.RejectReason;
import io.hedgerow.router.actor.ProviderActor.Rejected;
import io.hedgerow.router.actor.ProviderSnapshot;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.health.BreakerSettings;
import io.hedgerow.router.limits.Limits;
import io.hedgerow.router.metrics.ProviderMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a provider actor does with the cluster's messages: a share scales its limits (a spent share does
 * not refill by growing), another node's word closes the provider here, and its own circuit opening is
 * published for the other nodes. The clock stands still, so no bucket refills under the test.
 */
class ProviderShareTest {
  private static final BreakerSettings BREAKER = new BreakerSettings(
      3, 0.5, 20, Duration.ofSeconds(30), Duration.ofSeconds(10), 2, Duration.ofSeconds(1), Duration.ofMinutes(5));
  private static final AttemptTimeouts TIMEOUTS =
      new AttemptTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30));

  private static ActorTestKit kit;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("ProviderShareTest");
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<ProviderActor.Command> provider(long rpm, int maxConcurrent) {
    ProviderSettings settings = new ProviderSettings("p", "scripted", "http://p.invalid", Optional.empty(), Map.of(),
        ConfigFactory.empty());
    Limits limits = new Limits(rpm > 0 ? OptionalLong.of(rpm) : OptionalLong.empty(), OptionalLong.empty(), maxConcurrent,
        0, Duration.ZERO);
    return kit.spawn(ProviderActor.create(
        new ProviderConfig(settings, limits, BREAKER, Duration.ofSeconds(60), TIMEOUTS), ProviderMetrics.OFF, clock::get));
  }

  private AcquireReply acquire(ActorRef<ProviderActor.Command> p) {
    TestProbe<AcquireReply> probe = kit.createTestProbe();
    p.tell(new ProviderActor.Acquire(probe.ref(), Admission.immediate()));
    return probe.receiveMessage();
  }

  private Permit granted(ActorRef<ProviderActor.Command> p) {
    return assertInstanceOf(ProviderActor.Granted.class, acquire(p)).permit();
  }

  private Rejected rejected(ActorRef<ProviderActor.Command> p) {
    return assertInstanceOf(Rejected.class, acquire(p));
  }

  private ProviderSnapshot snapshot(ActorRef<ProviderActor.Command> p) {
    TestProbe<ProviderSnapshot> probe = kit.createTestProbe();
    p.tell(new ProviderActor.GetSnapshot(probe.ref()));
    return probe.receiveMessage();
  }

  private static void release(Permit permit, Outcome outcome) {
    permit.owner().tell(new ProviderActor.Release(permit.id(), outcome));
  }

  @Test
  void aThirdShareScalesTheConcurrencyCap() {
    ActorRef<ProviderActor.Command> p = provider(0, 9);
    p.tell(new ProviderActor.ApplyShare(1.0 / 3));
    for (int i = 0; i < 3; i++) granted(p);
    assertEquals(RejectReason.CAPACITY, rejected(p).reason());
  }

  @Test
  void aSpentShareDoesNotRefillWhenItGrows() {
    ActorRef<ProviderActor.Command> p = provider(30, 100);
    p.tell(new ProviderActor.ApplyShare(1.0 / 3));
    for (int i = 0; i < 10; i++) release(granted(p), new Outcome.Cancelled(Duration.ZERO, false));
    assertEquals(RejectReason.RATE_LIMITED, rejected(p).reason());
    p.tell(new ProviderActor.ApplyShare(0.5)); // a node left: the bucket is bigger, but still empty
    assertEquals(RejectReason.RATE_LIMITED, rejected(p).reason());
  }

  @Test
  void anotherNodesOpenCircuitClosesTheProviderHereUntilItsTime() {
    ActorRef<ProviderActor.Command> p = provider(0, 10);
    p.tell(new ProviderActor.RemoteUnavailable(System.currentTimeMillis() + 60_000, RejectReason.CIRCUIT_OPEN));
    Rejected r = rejected(p);
    assertEquals(RejectReason.CIRCUIT_OPEN, r.reason());
    assertTrue(r.retryAfter().orElseThrow().toSeconds() > 50, "retry after " + r.retryAfter());
  }

  @Test
  void theSnapshotShowsAnotherNodesWordWithItsReasonUntilItEnds() {
    ActorRef<ProviderActor.Command> p = provider(0, 10);
    assertEquals("none", snapshot(p).remoteUnavailable());

    p.tell(new ProviderActor.RemoteUnavailable(System.currentTimeMillis() + 60_000, RejectReason.COOLING_DOWN));
    rejected(p);

    ProviderSnapshot s = snapshot(p);
    assertEquals("cooling_down", s.remoteUnavailable());
    assertTrue(s.remoteUnavailableForMs() > 50_000 && s.remoteUnavailableForMs() <= 60_000, s.remoteUnavailableForMs() + " ms");
    assertEquals(Map.of("cooling_down", 1L), s.rejectedByReason(), "the rejection is counted under the other node's reason");
    assertEquals(0, s.coolingDownForMs(), "this node's own cool-down is another thing");

    clock.addAndGet(Duration.ofSeconds(61).toNanos());
    ProviderSnapshot later = snapshot(p);
    assertEquals("none", later.remoteUnavailable());
    assertEquals(0, later.remoteUnavailableForMs());
  }

  @Test
  void aRemoteUnavailabilityThatHasEndedIsIgnored() {
    ActorRef<ProviderActor.Command> p = provider(0, 10);
    p.tell(new ProviderActor.RemoteUnavailable(System.currentTimeMillis() - 1, RejectReason.COOLING_DOWN));
    granted(p);
  }

  @Test
  void openingTheCircuitIsPublishedForTheOtherNodes() {
    TestProbe<ProviderActor.Unavailable> events = kit.createTestProbe();
    kit.system().eventStream().tell(new EventStream.Subscribe<>(ProviderActor.Unavailable.class, events.ref()));
    ActorRef<ProviderActor.Command> p = provider(0, 10);
    for (int i = 0; i < 3; i++) {
      release(granted(p), new Outcome.Failed(ErrorClass.SERVER_ERROR, Duration.ofMillis(5), Optional.empty()));
    }
    ProviderActor.Unavailable e = events.receiveMessage();
    assertEquals("p", e.provider());
    assertEquals(RejectReason.CIRCUIT_OPEN, e.reason());
    assertTrue(e.untilEpochMillis() > System.currentTimeMillis() + 5_000, "open for the breaker's cool-down");
  }
}
