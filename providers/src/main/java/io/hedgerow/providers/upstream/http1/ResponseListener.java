package io.hedgerow.providers.upstream.http1;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a caller hears of one exchange, on the client's IO thread: it must be quick and must not block.
 * Exactly one of {@link #onComplete} and {@link #onFailure} ends it, unless the call is cancelled first.
 */
public interface ResponseListener {
  void onHead(ResponseHead head);

  /**
   * A slice of the body, valid only during the call.
   *
   * @return false to stop reading until {@link Call#resume()} (backpressure)
   */
  boolean onBody(ByteBuffer bytes);

  void onComplete();

  void onFailure(IOException failure);
}
