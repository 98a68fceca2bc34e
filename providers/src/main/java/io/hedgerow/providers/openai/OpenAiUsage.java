package io.hedgerow.providers.openai;

import io.hedgerow.providers.chat.Usage;
import io.hedgerow.providers.upstream.UpstreamJsonReader;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * OpenAI's {@code usage} object, read token by token, in a whole answer and in a stream's last chunk alike.
 * DeepSeek's {@code prompt_cache_hit_tokens} stands in for absent cache details.
 */
final class OpenAiUsage {
  private OpenAiUsage() {}

  /** The usage the reader stands on; empty when it is not an object (absent, or {@code null} as streams send it). */
  static Optional<Usage> read(UpstreamJsonReader r) {
    if (!r.enterObject()) return Optional.empty();
    int prompt = 0;
    int completion = 0;
    OptionalInt cached = OptionalInt.empty();
    int cacheHit = 0;
    int reasoning = 0;
    while (r.nextField()) {
      switch (r.field()) {
        case "prompt_tokens" -> prompt = r.intValue(0);
        case "completion_tokens" -> completion = r.intValue(0);
        case "prompt_tokens_details" -> cached = cachedTokens(r);
        case "prompt_cache_hit_tokens" -> cacheHit = r.intValue(0);
        case "completion_tokens_details" -> reasoning = reasoningTokens(r);
        default -> { }
      }
    }
    return Optional.of(new Usage(prompt, completion, cached.orElse(cacheHit), reasoning));
  }

  /** {@code cached_tokens} when it is a number; else DeepSeek's count is used. */
  private static OptionalInt cachedTokens(UpstreamJsonReader details) {
    OptionalInt cached = OptionalInt.empty();
    if (details.enterObject()) {
      while (details.nextField()) {
        if (details.field().equals("cached_tokens")) {
          cached = details.isNumber() ? OptionalInt.of(details.intValue(0)) : OptionalInt.empty();
        }
      }
    }
    return cached;
  }

  private static int reasoningTokens(UpstreamJsonReader details) {
    int reasoning = 0;
    if (details.enterObject()) {
      while (details.nextField()) {
        if (details.field().equals("reasoning_tokens")) reasoning = details.intValue(0);
      }
    }
    return reasoning;
  }
}
