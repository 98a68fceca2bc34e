package io.hedgerow.providers.upstream;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.Uri;

/**
 * A provider's endpoint URLs, each parsed once: building a request from a URL string runs Pekko's URI
 * parser every time, a few per cent of a request's CPU. Bounded, because a URL can carry a model name
 * that came from a client ({@code provider/any-model}).
 */
public final class EndpointUris {
  private static final int MAX = 256;

  private final ConcurrentHashMap<String, Uri> parsed = new ConcurrentHashMap<>();

  public Uri of(String url) {
    Uri uri = parsed.get(url);
    if (uri != null) return uri;
    uri = Uri.create(url);
    if (parsed.size() < MAX) parsed.putIfAbsent(url, uri);
    return uri;
  }
}
