package io.hedgerow.providers.upstream.http1;

/** Where a request goes: the scheme, host and port that a pooled connection can be reused for. */
record Origin(boolean tls, String host, int port) {
  /** The Host header's value: the port only when it is not the scheme's default. */
  String authority() {
    boolean defaultPort = tls ? port == 443 : port == 80;
    return defaultPort ? host : host + ":" + port;
  }
}
