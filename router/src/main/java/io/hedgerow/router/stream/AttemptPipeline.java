package io.hedgerow.router.stream;

import io.hedgerow.providers.ProviderAdapter;
import io.hedgerow.providers.chat.ChatChunk;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.CompletionChunks;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import io.hedgerow.router.actor.Permit;
import io.hedgerow.router.config.AttemptTimeouts;
import io.hedgerow.router.routing.Candidate;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Builds one upstream attempt as a stream: the adapter's chunks under the attempt's deadlines, gated to
 * start at the first token, killable by the exchange that started it (aborting it with {@link HedgeLost}
 * when another attempt won), and watched so its permit comes back however it ends.
 */
public final class AttemptPipeline {
  private AttemptPipeline() {}

  public static Source<ChatChunk, UniqueKillSwitch> of(
      ProviderAdapter adapter, ChatRequest request, Candidate candidate, boolean streamUpstream,
      AttemptTimeouts timeouts, Permit permit) {
    Source<ChatChunk, NotUsed> upstream = streamUpstream
        ? adapter.streamChat(request, candidate.upstreamModel())
        : Source.completionStage(adapter.completeChat(request, candidate.upstreamModel()))
            .mapConcat(CompletionChunks::of);
    return upstream
        .idleTimeout(timeouts.idle())
        .mapError(TimeoutException.class, e -> timeout("sent nothing for " + human(timeouts.idle())))
        .completionTimeout(timeouts.total())
        .mapError(TimeoutException.class, e -> timeout("did not finish within " + human(timeouts.total())))
        .via(new FirstTokenGate())
        .initialTimeout(timeouts.firstToken())
        .mapError(TimeoutException.class, e -> timeout("sent no first token within " + human(timeouts.firstToken())))
        // the kill switch sits before the monitor, so a cancelled hedge reaches it as HedgeLost
        .viaMat(KillSwitches.single(), Keep.right())
        .via(new AttemptMonitor(permit::release, permit::firstToken));
  }

  private static Throwable timeout(String what) {
    return UpstreamError.of(ErrorClass.TIMEOUT, 0, "The upstream " + what + ".").exception();
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
