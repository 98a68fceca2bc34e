package io.hedgerow.router.server;

import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Between one connection's HTTP layer and the handler: counts the request in flight so that shutdown can
 * close the connection gracefully. Asked to drain, an idle connection ends at once; a busy one gets its
 * answer with {@code Connection: close}, and the HTTP layer closes the socket once the answer is written.
 * Shapes: responses from the handler pass top (in1 to out1), requests to it bottom (in2 to out2).
 */
final class ConnectionDrain extends GraphStage<BidiShape<HttpResponse, HttpResponse, HttpRequest, HttpRequest>> {
  private static final Connection CLOSE = Connection.create("close");

  private final Inlet<HttpResponse> responseIn = Inlet.create("ConnectionDrain.responseIn");
  private final Outlet<HttpResponse> responseOut = Outlet.create("ConnectionDrain.responseOut");
  private final Inlet<HttpRequest> requestIn = Inlet.create("ConnectionDrain.requestIn");
  private final Outlet<HttpRequest> requestOut = Outlet.create("ConnectionDrain.requestOut");
  private final BidiShape<HttpResponse, HttpResponse, HttpRequest, HttpRequest> shape =
      new BidiShape<>(responseIn, responseOut, requestIn, requestOut);
  private final ServerConnection connection;

  ConnectionDrain(ServerConnection connection) {
    this.connection = connection;
  }

  @Override
  public BidiShape<HttpResponse, HttpResponse, HttpRequest, HttpRequest> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private int inFlight;
      private boolean draining;

      {
        setHandler(requestIn, new AbstractInHandler() {
          @Override
          public void onPush() {
            inFlight++;
            push(requestOut, grab(requestIn));
          }
        });
        setHandler(requestOut, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(requestIn);
          }
        });
        setHandler(responseIn, new AbstractInHandler() {
          @Override
          public void onPush() {
            HttpResponse response = grab(responseIn);
            inFlight--;
            if (draining && inFlight == 0) {
              push(responseOut, response.addHeader(CLOSE));
              completeStage();
            } else {
              push(responseOut, response);
            }
          }
        });
        setHandler(responseOut, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(responseIn);
          }
        });
      }

      @Override
      public void preStart() {
        AsyncCallback<Boolean> drain = createAsyncCallback(ignored -> {
          draining = true;
          if (inFlight == 0) completeStage();
        });
        connection.onDrain(() -> drain.invoke(true));
      }
    };
  }
}
