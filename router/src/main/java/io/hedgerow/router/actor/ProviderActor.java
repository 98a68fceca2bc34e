package io.hedgerow.router.actor;

import io.hedgerow.router.config.ProviderConfig;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The single owner of what Hedgerow knows about one provider deployment. It hands out permits up to the
 * provider's concurrency limit and records how each attempt ended.
 */
public final class ProviderActor extends AbstractBehavior<ProviderActor.Command> {

  public sealed interface Command {}

  /** Asks for leave to start one attempt. */
  public record Acquire(ActorRef<AcquireReply> replyTo) implements Command {}

  /** Returns a permit with the attempt's outcome. */
  public record Release(long permitId, Outcome outcome) implements Command {}

  public record GetSnapshot(ActorRef<ProviderSnapshot> replyTo) implements Command {}

  public sealed interface AcquireReply {}

  public record Granted(Permit permit) implements AcquireReply {}

  /** No capacity now; the request should move to its next candidate. */
  public record Rejected(String provider, String reason) implements AcquireReply {}

  public static Behavior<Command> create(ProviderConfig config) {
    return Behaviors.setup(ctx -> new ProviderActor(ctx, config));
  }

  private final ProviderConfig config;
  private final Set<Long> outstanding = new HashSet<>();
  private final Map<String, Long> failuresByClass = new TreeMap<>();
  private long nextPermit = 1;
  private long granted;
  private long rejected;
  private long succeeded;
  private long cancelled;

  private ProviderActor(ActorContext<Command> ctx, ProviderConfig config) {
    super(ctx);
    this.config = config;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire msg) {
    if (outstanding.size() >= config.maxConcurrent()) {
      rejected++;
      msg.replyTo().tell(new Rejected(config.name(), "at its concurrency limit of " + config.maxConcurrent()));
      return this;
    }
    long id = nextPermit++;
    outstanding.add(id);
    granted++;
    msg.replyTo().tell(new Granted(new Permit(config.name(), id, getContext().getSelf())));
    return this;
  }

  private Behavior<Command> onRelease(Release msg) {
    if (!outstanding.remove(msg.permitId())) return this; // released twice: the first release counted
    if (msg.outcome() instanceof Outcome.Failed f) failuresByClass.merge(f.errorClass().label(), 1L, Long::sum);
    else if (msg.outcome() instanceof Outcome.Cancelled) cancelled++;
    else succeeded++;
    return this;
  }

  private Behavior<Command> onGetSnapshot(GetSnapshot msg) {
    msg.replyTo().tell(new ProviderSnapshot(config.name(), outstanding.size(), config.maxConcurrent(),
        granted, rejected, succeeded, cancelled, Map.copyOf(failuresByClass)));
    return this;
  }
}
