package io.hedgerow.router.actor;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A provider's leave to run one attempt. Whoever holds it must {@link #release} it exactly once, when
 * the attempt ends, however it ends.
 */
public record Permit(String provider, long id, ActorRef<ProviderActor.Command> owner) {
  public void release(Outcome outcome) {
    owner.tell(new ProviderActor.Release(id, outcome));
  }
}
