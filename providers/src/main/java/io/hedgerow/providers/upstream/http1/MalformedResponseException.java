package io.hedgerow.providers.upstream.http1;

/** The upstream sent bytes that are not an HTTP/1.1 response. */
public final class MalformedResponseException extends java.io.IOException {
  MalformedResponseException(String what) {
    super("Malformed upstream response: " + what);
  }
}
