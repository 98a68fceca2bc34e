package io.hedgerow.router.cluster;

import io.hedgerow.router.actor.ProviderActor;
import io.hedgerow.router.config.ProviderConfig;
import io.hedgerow.router.limits.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Keeps this node's share of every provider's limits equal to 1 / (members that are Up and carry the
 * share role), recomputed on every membership change and told to each {@link ProviderActor}. A joining
 * node is not counted until Up; a leaving, exiting or downed one stops counting at once, so its share
 * returns to the others. An unreachable node keeps its share until the split-brain resolver downs it,
 * which errs on the side of admitting less.
 */
public final class ClusterShares extends AbstractBehavior<ClusterShares.Command> {

  public sealed interface Command {}

  /** Answered with {@link Done} once this node is Up and its providers carry its share. */
  public record AwaitServing(ActorRef<Done> replyTo) implements Command {}

  public record GetView(ActorRef<ClusterView> replyTo) implements Command {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  /** Re-sends the share now and then, so a provider actor restarted by its supervisor gets it back. */
  private enum Reapply implements Command { INSTANCE }

  private static final Duration REAPPLY_INTERVAL = Duration.ofSeconds(2);

  public static Behavior<Command> create(Map<String, ActorRef<ProviderActor.Command>> providers,
      Map<String, ProviderConfig> configs, String shareRole) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClusterShares(ctx, timers, providers, configs, shareRole)));
  }

  private final Map<String, ActorRef<ProviderActor.Command>> providers;
  private final Map<String, ProviderConfig> configs;
  private final String shareRole;
  private final Cluster cluster;
  private final Map<Address, Member> members = new TreeMap<>(Member.addressOrdering());
  private final List<ActorRef<Done>> awaiting = new ArrayList<>();
  private double share = 1.0;

  private ClusterShares(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      Map<String, ActorRef<ProviderActor.Command>> providers, Map<String, ProviderConfig> configs, String shareRole) {
    super(ctx);
    this.providers = providers;
    this.configs = configs;
    this.shareRole = shareRole;
    this.cluster = Cluster.get(ctx.getSystem());
    ActorRef<ClusterEvent.MemberEvent> events = ctx.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new);
    cluster.subscriptions().tell(Subscribe.create(events, ClusterEvent.MemberEvent.class));
    timers.startTimerWithFixedDelay(Reapply.INSTANCE, REAPPLY_INTERVAL);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessage(AwaitServing.class, this::onAwaitServing)
        .onMessage(GetView.class, this::onGetView)
        .onMessageEquals(Reapply.INSTANCE, this::onReapply)
        .build();
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged msg) {
    Member m = msg.event().member();
    if (msg.event() instanceof ClusterEvent.MemberRemoved) members.remove(m.address());
    else members.put(m.address(), m);
    long counted = members.values().stream().filter(this::counts).count();
    double next = counted == 0 ? 1.0 : 1.0 / counted;
    if (next != share) {
      share = next;
      getContext().getLog().info("{} node(s) share the providers' limits; this node's share is {}", counted, share);
    }
    tellShare();
    if (selfUp()) {
      awaiting.forEach(r -> r.tell(Done.done()));
      awaiting.clear();
    }
    return this;
  }

  private boolean counts(Member m) {
    return m.status() == MemberStatus.up() && (shareRole.isEmpty() || m.hasRole(shareRole));
  }

  private boolean selfUp() {
    Member self = members.get(cluster.selfMember().address());
    return self != null && self.status() == MemberStatus.up();
  }

  private void tellShare() {
    providers.values().forEach(p -> p.tell(new ProviderActor.ApplyShare(share)));
  }

  private Behavior<Command> onReapply() {
    tellShare();
    return this;
  }

  private Behavior<Command> onAwaitServing(AwaitServing msg) {
    if (selfUp()) msg.replyTo().tell(Done.done());
    else awaiting.add(msg.replyTo());
    return this;
  }

  private Behavior<Command> onGetView(GetView msg) {
    var unreachable = cluster.state().getUnreachable();
    long counted = members.values().stream().filter(this::counts).count();
    List<ClusterView.MemberView> out = new ArrayList<>();
    for (Member m : members.values()) {
      double s = counts(m) ? 1.0 / counted : 0.0;
      List<String> roles = new ArrayList<>(m.getRoles());
      roles.removeIf(r -> r.startsWith("dc-"));
      out.add(new ClusterView.MemberView(m.address().toString(), m.status().toString().toLowerCase(java.util.Locale.ROOT),
          !unreachable.contains(m), roles.stream().sorted().toList(), s, s > 0 ? sharesOf(s) : Map.of()));
    }
    msg.replyTo().tell(new ClusterView(true, cluster.selfMember().address().toString(), out));
    return this;
  }

  /** Every provider's limits scaled to {@code s}: what a node with that share enforces. */
  Map<String, ClusterView.ShareOfLimits> sharesOf(double s) {
    return sharesOf(configs, s);
  }

  static Map<String, ClusterView.ShareOfLimits> sharesOf(Map<String, ProviderConfig> configs, double s) {
    Map<String, ClusterView.ShareOfLimits> out = new LinkedHashMap<>();
    configs.forEach((name, c) -> {
      Limits l = c.limits().scaledTo(s);
      out.put(name, new ClusterView.ShareOfLimits(offOr(l.requestsPerMinute()), offOr(l.tokensPerMinute()), l.maxConcurrent()));
    });
    return out;
  }

  /** The view of a gateway that runs alone: itself, with all of every limit. */
  public static ClusterView singleNode(String self, Map<String, ProviderConfig> configs) {
    return new ClusterView(false, self, List.of(new ClusterView.MemberView(self, "up", true, List.of(), 1.0,
        sharesOf(configs, 1.0))));
  }

  private static Object offOr(OptionalLong limit) {
    return limit.isPresent() ? (Object) limit.getAsLong() : "off";
  }
}
