package io.hedgerow.router.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.json.ChatRequestReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {
  private static ChatRequest request(String json) {
    return ChatRequestReader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void countsPromptWithO200kPlusMessageFramingAndTheRequestedMaxOutput() {
    TokenEstimate e = TokenEstimator.estimate(request(
        "{\"model\":\"m\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello world\"}]}"));

    // "Hello world" is 2 tokens and "user" 1 in o200k_base; 3 per message and 3 to prime the reply
    assertEquals(2 + 1 + 3 + 3, e.promptTokens());
    assertEquals(50, e.maxOutputTokens());
    assertEquals(59, e.total());
  }

  @Test
  void approximateCountsFourCharactersATokenWithTheSameFramingAndOutput() {
    TokenEstimate e = TokenEstimator.approximate(request(
        "{\"model\":\"m\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hello world, hello hedgerow\"}]}"));

    // 27 characters round up to 7 tokens; the role, the message framing and the priming as for the exact count
    assertEquals(7 + 1 + 3 + 3, e.promptTokens());
    assertEquals(50, e.maxOutputTokens());
  }

  @Test
  void withoutMaxTokensTheDefaultOutputIsReservedForEachChoice() {
    TokenEstimate e = TokenEstimator.estimate(request(
        "{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

    assertEquals(2 * TokenEstimator.DEFAULT_MAX_OUTPUT, e.maxOutputTokens());
  }

  @Test
  void imagesAndToolsCountToo() {
    TokenEstimate plain = TokenEstimator.estimate(request(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this\"}]}]}"));
    TokenEstimate withImage = TokenEstimator.estimate(request(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"look\",\"parameters\":{\"type\":\"object\"}}}]}"));

    assertTrue(withImage.promptTokens() > plain.promptTokens() + 765, withImage + " vs " + plain);
  }

  @Test
  void veryLongTextIsExtrapolatedNotEncodedWhole() {
    String part = "lorem ipsum dolor sit amet ";
    String longText = part.repeat(TokenEstimator.EXACT_CHARS / part.length() * 4);
    int estimate = TokenEstimator.text(longText);
    int exact = TokenEstimator.text(longText.substring(0, TokenEstimator.EXACT_CHARS)) * 4;

    assertTrue(Math.abs(estimate - exact) < exact / 50, estimate + " vs " + exact);
  }
}
