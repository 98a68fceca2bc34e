package io.hedgerow.providers.upstream.http1;

import java.util.List;
import java.util.Optional;

/** The status line and headers of an upstream response, headers in arrival order as {name, value} pairs. */
public record ResponseHead(int status, String reason, List<String[]> headers) {
  /** The first value of a header, by case-insensitive name. */
  public Optional<String> header(String name) {
    for (String[] h : headers) {
      if (h[0].equalsIgnoreCase(name)) return Optional.of(h[1]);
    }
    return Optional.empty();
  }
}
