package io.hedgerow.router.cluster;

import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.actor.ProviderActor.RejectReason;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * Shares provider health across the cluster with Distributed Data: a last-writer-wins map of provider →
 * "unavailable until" (epoch millis, the reason, the node that found it). When a local provider actor
 * opens its circuit or starts a cool-down, the entry is written to every reachable node at once (falling
 * back to gossip); an entry another node wrote is told to the local provider actor, which turns traffic
 * away until then, so every node routes around the provider within about a second.
 */
public final class HealthGossip {

  public sealed interface Command {}

  private record Announced(ProviderActor.Unavailable event) implements Command {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {}

  private record Written(Replicator.UpdateResponse<LWWMap<String, String>> response) implements Command {}

  static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("hedgerow-provider-unavailable");
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

  private HealthGossip() {}

  public static Behavior<Command> create(Map<String, ActorRef<ProviderActor.Command>> providers) {
    return Behaviors.setup(ctx -> DistributedData.<Command, LWWMap<String, String>>withReplicatorMessageAdapter(replicator -> {
      ActorRef<ProviderActor.Unavailable> announced = ctx.messageAdapter(ProviderActor.Unavailable.class, Announced::new);
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(ProviderActor.Unavailable.class, announced));
      replicator.subscribe(KEY, Changed::new);
      return new State(ctx, replicator, providers).behavior();
    }));
  }

  /** An entry of the map: until when, why, and who found it. */
  record Entry(long untilEpochMillis, RejectReason reason, String origin) {
    String encode() {
      return untilEpochMillis + "|" + reason.name() + "|" + origin;
    }

    static Entry decode(String s) {
      String[] parts = s.split("\\|", 3);
      return new Entry(Long.parseLong(parts[0]), RejectReason.valueOf(parts[1]), parts[2]);
    }
  }

  private static final class State {
    private final ActorContext<Command> ctx;
    private final ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator;
    private final Map<String, ActorRef<ProviderActor.Command>> providers;
    private final SelfUniqueAddress self;
    private final String origin;
    /** The latest "until" of each provider this node wrote or applied, so nothing is told twice. */
    private final Map<String, Long> known = new HashMap<>();

    State(ActorContext<Command> ctx, ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator,
        Map<String, ActorRef<ProviderActor.Command>> providers) {
      this.ctx = ctx;
      this.replicator = replicator;
      this.providers = providers;
      this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
      this.origin = self.uniqueAddress().address().toString();
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Announced.class, this::onAnnounced)
          .onMessage(Changed.class, this::onChanged)
          .onMessage(Written.class, msg -> Behaviors.same())
          .build();
    }

    private Behavior<Command> onAnnounced(Announced msg) {
      ProviderActor.Unavailable e = msg.event();
      if (known.getOrDefault(e.provider(), 0L) >= e.untilEpochMillis()) return Behaviors.same();
      known.put(e.provider(), e.untilEpochMillis());
      String value = new Entry(e.untilEpochMillis(), e.reason(), origin).encode();
      replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.create(), new Replicator.WriteAll(WRITE_TIMEOUT),
          replyTo, map -> map.put(self, e.provider(), value)), Written::new);
      return Behaviors.same();
    }

    private Behavior<Command> onChanged(Changed msg) {
      if (!(msg.response() instanceof Replicator.Changed<LWWMap<String, String>> changed)) return Behaviors.same();
      long now = System.currentTimeMillis();
      changed.get(KEY).getEntries().forEach((provider, value) -> {
        Entry entry;
        try {
          entry = Entry.decode(value);
        } catch (RuntimeException bad) {
          ctx.getLog().warn("Ignoring a malformed health entry for provider {}", provider);
          return;
        }
        ActorRef<ProviderActor.Command> actor = providers.get(provider);
        if (actor == null || entry.origin().equals(origin) || entry.untilEpochMillis() <= now) return;
        if (known.getOrDefault(provider, 0L) >= entry.untilEpochMillis()) return;
        known.put(provider, entry.untilEpochMillis());
        actor.tell(new ProviderActor.RemoteUnavailable(entry.untilEpochMillis(), entry.reason()));
      });
      return Behaviors.same();
    }
  }
}
