package io.hedgerow.router.actor;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.router.config.AttemptTimeouts;
import org.apache.pekko.actor.typed.ActorRef;

/** What an exchange needs of one provider: its actor (for permits) and its adapter and deadlines (for attempts). */
public record ProviderHandle(ActorRef<ProviderActor.Command> actor, ProviderAdapter adapter, AttemptTimeouts timeouts) {}
