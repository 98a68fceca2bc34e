package io.hedgerow.router.limits;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.hedgerow.providers.chat.ChatMessage;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.ContentPart;
import io.hedgerow.providers.chat.ToolCall;
import io.hedgerow.providers.chat.ToolDefinition;
import java.util.function.ToIntFunction;

/**
 * Estimates a chat request's tokens before it is sent, to reserve them from tokens-per-minute buckets.
 * Text is counted with OpenAI's o200k_base encoding (jtokkit), exact for current OpenAI models. For
 * other providers it is an approximation: Anthropic's and Google's tokenizers are not public, and
 * typically count within about 20% of it for English text. Either way the reservation is settled
 * with the usage the provider reports, so the estimate only has to be close, not exact.
 *
 * <p>Per message, 3 tokens of framing are added, plus 3 to prime the answer (OpenAI's chat format);
 * an image counts 765 tokens (a 1024×1024 image at high detail), or 85 at {@code detail: low}; tool
 * definitions count as their JSON. Text beyond {@value #EXACT_CHARS} characters in one part is
 * extrapolated rather than encoded, to bound the cost. The output is the client's
 * {@code max_completion_tokens}/{@code max_tokens} times {@code n}, or {@value #DEFAULT_MAX_OUTPUT}
 * tokens when the client sets none.
 */
public final class TokenEstimator {
  public static final int DEFAULT_MAX_OUTPUT = 1024;
  static final int EXACT_CHARS = 65_536;
  private static final int PER_MESSAGE = 3;
  private static final int REPLY_PRIMING = 3;
  private static final int IMAGE = 765;
  private static final int IMAGE_LOW_DETAIL = 85;
  /** Every role name (system, user, assistant, tool, developer) is one token in o200k_base. */
  private static final int ROLE = 1;
  private static final int CHARS_PER_TOKEN = 4;

  private static final Encoding ENCODING =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

  private TokenEstimator() {}

  /** Loads the encoding (about a second) ahead of the first request; idempotent and safe on any thread. */
  public static void warmUp() {
    ENCODING.countTokensOrdinary("warm");
  }

  public static TokenEstimate estimate(ChatRequest request) {
    return estimate(request, TokenEstimator::text);
  }

  /**
   * The same estimate with text counted at about four characters a token, without encoding it: for
   * providers with no tokens-per-minute limit of ours, where the reservation only feeds limits learned
   * from the provider's headers and the hedge-waste metric. Encoding costs about 0.7 µs a token (JMH,
   * {@code RoutingDecisionBenchmark}); this costs next to nothing.
   */
  public static TokenEstimate approximate(ChatRequest request) {
    return estimate(request, s -> (s.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
  }

  private static TokenEstimate estimate(ChatRequest request, ToIntFunction<String> text) {
    long prompt = REPLY_PRIMING;
    for (ChatMessage m : request.messages()) {
      prompt += PER_MESSAGE + ROLE;
      for (ContentPart part : m.content()) {
        if (part instanceof ContentPart.Text t) prompt += text.applyAsInt(t.text());
        else if (part instanceof ContentPart.Image i) prompt += i.detail().filter("low"::equals).isPresent() ? IMAGE_LOW_DETAIL : IMAGE;
      }
      if (m.name().isPresent()) prompt += text.applyAsInt(m.name().get());
      for (ToolCall call : m.toolCalls()) prompt += text.applyAsInt(call.name()) + text.applyAsInt(call.arguments());
    }
    for (ToolDefinition tool : request.tools()) {
      prompt += text.applyAsInt(tool.name()) + tool.description().map(text::applyAsInt).orElse(0)
          + text.applyAsInt(tool.parameters().toString());
    }
    long output = (long) request.maxTokens().orElse(DEFAULT_MAX_OUTPUT) * Math.max(1, request.n().orElse(1));
    return new TokenEstimate((int) Math.min(Integer.MAX_VALUE, prompt), (int) Math.min(Integer.MAX_VALUE, output));
  }

  /** Tokens of one piece of text; special-token markers count as the ordinary text they are. */
  static int text(String s) {
    if (s.length() <= EXACT_CHARS) return ENCODING.countTokensOrdinary(s);
    int head = ENCODING.countTokensOrdinary(s.substring(0, EXACT_CHARS));
    return (int) Math.min(Integer.MAX_VALUE, Math.round((double) head * s.length() / EXACT_CHARS));
  }
}
