package io.hedgerow.providers.upstream;

/** Carries an {@link UpstreamError} through a failed stream or future. */
public final class UpstreamException extends RuntimeException {
  private final UpstreamError error;

  public UpstreamException(UpstreamError error) {
    super(error.errorClass().label() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  public UpstreamError error() {
    return error;
  }
}
