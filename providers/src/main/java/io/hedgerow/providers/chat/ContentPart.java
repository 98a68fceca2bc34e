package io.hedgerow.providers.chat;

import java.util.Optional;

/** One part of a message's content: text or an image reference. */
public sealed interface ContentPart {
  record Text(String text) implements ContentPart {}

  /** An image by URL: {@code https:} or a {@code data:<mime>;base64,} URL. */
  record Image(String url, Optional<String> detail) implements ContentPart {
    public boolean isDataUrl() {
      return url.startsWith("data:");
    }

    /** The media type of a data URL ("image/png"), or empty for a remote URL. */
    public Optional<String> mediaType() {
      if (!isDataUrl()) return Optional.empty();
      int semi = url.indexOf(';');
      int comma = url.indexOf(',');
      int end = semi > 0 && semi < comma ? semi : comma;
      return end > 5 ? Optional.of(url.substring(5, end)) : Optional.empty();
    }

    /** The base64 payload of a data URL, or empty for a remote URL. */
    public Optional<String> base64Data() {
      int comma = url.indexOf(',');
      return isDataUrl() && comma > 0 ? Optional.of(url.substring(comma + 1)) : Optional.empty();
    }
  }
}
