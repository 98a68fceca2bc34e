package io.hedgerow.load;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/**
 * The floor under any gateway built on Pekko HTTP, for overhead.sh's FLOOR=1: {@code server PORT} answers
 * every request itself with a fixed chat.completion (Pekko HTTP's server alone), and {@code proxy PORT URL}
 * forwards each request to URL over Pekko HTTP's pooled client ({@code Http.singleRequest}) and returns the
 * answer (Pekko HTTP on both sides, no gateway logic). Continuations run on the dispatcher, not the common pool.
 */
public final class PekkoFloor {
  private PekkoFloor() {}

  public static void main(String[] args) {
    ActorSystem system = ActorSystem.create("floor");
    Http http = Http.get(system);
    int port = Integer.parseInt(args[1]);
    if (args[0].equals("server")) {
      HttpResponse answer = HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
          "{\"id\":\"chatcmpl-floor\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"bench\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello! How can I help"
              + " you today?\"},\"finish_reason\":\"stop\"}]}"));
      http.newServerAt("127.0.0.1", port).bindSync(request -> {
        request.discardEntityBytes(system);
        return answer;
      });
    } else {
      String origin = args[2];
      Executor dispatcher = system.dispatcher();
      Function<HttpRequest, CompletionStage<HttpResponse>> forward = request ->
          request.entity().toStrict(5_000, system)
              .thenComposeAsync(body -> http.singleRequest(HttpRequest.POST(origin).withEntity(body)), dispatcher)
              .thenComposeAsync(response -> response.entity().toStrict(5_000, system)
                  .thenApplyAsync(body -> HttpResponse.create().withStatus(response.status()).withEntity(body), dispatcher),
                  dispatcher);
      http.newServerAt("127.0.0.1", port).bind(forward);
    }
  }
}
