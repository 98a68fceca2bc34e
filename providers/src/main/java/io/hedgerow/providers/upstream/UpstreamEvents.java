package io.hedgerow.providers.upstream;

import io.hedgerow.providers.upstream.http1.Call;
import io.hedgerow.providers.upstream.http1.Http1Client;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * The SSE events of one streamed upstream call, as a source: it sends the request when it starts, cuts the
 * body into events ({@link SseParser}) as downstream asks for them, and stops reading the socket while
 * {@value #MAX_UNREAD} body pieces wait unread. Stopping the source early closes the connection.
 */
final class UpstreamEvents extends GraphStage<SourceShape<SseEvent>> {
  private static final int MAX_UNREAD = 4;

  private final Outlet<SseEvent> out = Outlet.create("UpstreamEvents.out");
  private final SourceShape<SseEvent> shape = SourceShape.of(out);
  private final Http1Client http;
  private final HttpRequest request;
  private final ErrorClassifier classifier;
  private final UpstreamObserver observer;
  private final int maxEventBytes;

  UpstreamEvents(Http1Client http, HttpRequest request, ErrorClassifier classifier, UpstreamObserver observer, int maxEventBytes) {
    this.http = http;
    this.request = request;
    this.classifier = classifier;
    this.observer = observer;
    this.maxEventBytes = maxEventBytes;
  }

  @Override
  public SourceShape<SseEvent> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final SseParser parser = new SseParser(maxEventBytes);
      private final ArrayDeque<ByteString> unread = new ArrayDeque<>(MAX_UNREAD + 2);
      private final ArrayDeque<SseEvent> ready = new ArrayDeque<>(4);
      private final AtomicInteger unreadCount = new AtomicInteger();
      private final AsyncCallback<ByteString> received = createAsyncCallback(this::onReceived);
      private final AsyncCallback<Object> ended = createAsyncCallback(done -> onEnded());
      private final AsyncCallback<UpstreamException> failed = createAsyncCallback(this::failStage);
      private Call call;
      private boolean finished;
      private boolean endParsed;

      {
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            deliver();
          }
        });
      }

      @Override
      public void preStart() {
        try {
          call = http.send(request, new ClassifyingListener(classifier, observer) {
            @Override
            boolean onSuccessBody(ByteBuffer bytes) {
              int unreadNow = unreadCount.incrementAndGet();
              received.invoke(ByteString.fromByteBuffer(bytes));
              return unreadNow < MAX_UNREAD;
            }

            @Override
            void onSuccessEnd() {
              ended.invoke(Boolean.TRUE);
            }

            @Override
            void onError(UpstreamException error) {
              failed.invoke(error);
            }
          });
        } catch (IllegalArgumentException e) {
          failStage(UpstreamError.of(ErrorClass.CONNECTION, 0, e.getMessage()).exception());
        }
      }

      @Override
      public void postStop() {
        if (call != null && !finished) call.cancel();
      }

      private void onReceived(ByteString bytes) {
        unread.add(bytes);
        if (isAvailable(out)) deliver();
      }

      private void onEnded() {
        finished = true;
        if (isAvailable(out)) deliver();
      }

      /** Pushes the next event, parsing unread pieces as needed; completes once the body is done and all is out. */
      private void deliver() {
        while (ready.isEmpty() && !unread.isEmpty()) {
          parser.feed(unread.poll(), ready::add);
          if (unreadCount.decrementAndGet() == MAX_UNREAD - 1) call.resume();
        }
        if (ready.isEmpty() && finished && !endParsed) {
          endParsed = true;
          parser.end(ready::add);
        }
        if (!ready.isEmpty() && isAvailable(out)) push(out, ready.poll());
        if (ready.isEmpty() && endParsed) completeStage();
      }
    };
  }
}
