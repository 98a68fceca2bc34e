package io.hedgerow.router.actor;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A provider's leave to run one attempt. Whoever holds it must {@link #release} it exactly once, when
 * the attempt ends, however it ends. {@code firstTokenDeadline} is when the provider itself would expect
 * the first token by (from the route's hedging policy and its own TTFT), when the admission asked for one.
 */
public record Permit(
    String provider, long id, ActorRef<ProviderActor.Command> owner, Optional<Duration> firstTokenDeadline) {

  public Permit(String provider, long id, ActorRef<ProviderActor.Command> owner) {
    this(provider, id, owner, Optional.empty());
  }

  public void release(Outcome outcome) {
    owner.tell(new ProviderActor.Release(id, outcome));
  }

  /** Tells the provider the attempt produced its first token (once per attempt). */
  public void firstToken() {
    owner.tell(new ProviderActor.FirstTokenSeen(id));
  }
}
