package io.hedgerow.providers.upstream;

/** A provider credential. Its {@code toString} never shows the value, so it cannot leak into logs by accident. */
public record ApiKey(String value) {
  @Override
  public String toString() {
    return "ApiKey[redacted]";
  }
}
