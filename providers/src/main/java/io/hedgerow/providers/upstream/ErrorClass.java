package io.hedgerow.providers.upstream;

/**
 * What went wrong upstream, classified once in the adapter; routing decides on the class, never on raw
 * status codes.
 */
public enum ErrorClass {
  RATE_LIMITED("rate_limited", true),
  OVERLOADED("overloaded", true),
  TIMEOUT("timeout", true),
  SERVER_ERROR("server_error", true),
  /** The connection was refused, reset or dropped. */
  CONNECTION("connection", true),
  /** The provider rejected Hedgerow's credentials; another provider may still serve the request. */
  AUTH("auth", true),
  /** The provider does not know the upstream model: a configuration error another provider may not share. */
  NOT_FOUND("not_found", true),
  BAD_REQUEST("bad_request", false),
  CONTEXT_LENGTH("context_length", false),
  CONTENT_FILTER("content_filter", false);

  private final String label;
  private final boolean retryable;

  ErrorClass(String label, boolean retryable) {
    this.label = label;
    this.retryable = retryable;
  }

  /** The name used in logs, metrics and the admin API. */
  public String label() {
    return label;
  }

  /** True when the same request may succeed on another candidate. */
  public boolean retryable() {
    return retryable;
  }
}
