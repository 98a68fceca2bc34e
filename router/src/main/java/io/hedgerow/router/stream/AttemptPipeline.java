package io.hedgerow.router.stream;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.router.actor.Permit;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.routing.Candidate;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Builds one streamed upstream attempt: the adapter's chunks under the attempt's deadlines, gated to
 * start at the first token, killable by the exchange that started it (aborting it with {@link HedgeLost}
 * when another attempt won), and watched so its permit comes back however it ends.
 */
public final class AttemptPipeline {
  private AttemptPipeline() {}

  public static Source<ChatChunk, UniqueKillSwitch> of(
      ProviderAdapter adapter, ChatRequest request, Candidate candidate, AttemptTimeouts timeouts, Permit permit) {
    return adapter.streamChat(request, candidate.upstreamModel())
        .via(new AttemptDeadlines(timeouts))
        .via(new FirstTokenGate())
        // the kill switch sits before the monitor, so a cancelled hedge reaches it as HedgeLost
        .viaMat(KillSwitches.single(), Keep.right())
        .via(new AttemptMonitor(permit::release, permit::firstToken));
  }
}
