package io.hedgerow.providers.chat;

import java.util.Optional;

/** The client's request cannot be served as written; the message says what is wrong, {@code param} where. */
public final class InvalidRequestException extends RuntimeException {
  private final Optional<String> param;

  public InvalidRequestException(String message, String param) {
    super(message, null, false, false);
    this.param = Optional.ofNullable(param);
  }

  public Optional<String> param() {
    return param;
  }
}
