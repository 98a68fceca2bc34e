package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.CREATED;
import static io.hedgerow.providers.gemini.GeminiFixtures.assertJson;
import static io.hedgerow.providers.gemini.GeminiFixtures.bytes;
import static io.hedgerow.providers.gemini.GeminiFixtures.clientView;
import static io.hedgerow.providers.gemini.GeminiFixtures.json;
import static io.hedgerow.providers.gemini.GeminiFixtures.sequentialIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hedgerow.providers.chat.ChatCompletion;
import io.hedgerow.providers.chat.FinishReason;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GeminiResponseMapperTest {

  private static ChatCompletion map(byte[] body, boolean reasoning) {
    return GeminiResponseMapper.fromUpstream(body, "gemini-fallback", reasoning, CREATED, sequentialIds());
  }

  @Test
  void textResponseBecomesAChatCompletion() {
    assertJson(json("google-text.expected.json"), clientView(map(bytes("google-text.json"), false)));
  }

  @Test
  void functionCallResponseBecomesToolCallsWithNullContentAndFinishToolCalls() {
    assertJson(json("google-tool-call.expected.json"), clientView(map(bytes("google-tool-call.json"), false)));
  }

  @Test
  void blockedPromptBecomesAnEmptyContentFilterAnswer() {
    assertJson(json("prompt-block.expected.json"), clientView(map(bytes("prompt-block.json"), false)));
  }

  @Test
  void thoughtPartsGoToReasoningContentOnlyWhenAsked() {
    byte[] body = ("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me think.\",\"thought\":true},"
        + "{\"text\":\"Paris.\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"responseId\":\"t\"}")
        .getBytes(StandardCharsets.UTF_8);

    ChatCompletion withReasoning = map(body, true);
    assertEquals(Optional.of("Paris."), withReasoning.choices().get(0).message().content());
    assertEquals(Optional.of("Let me think."), withReasoning.choices().get(0).message().reasoningContent());

    ChatCompletion without = map(body, false);
    assertEquals(Optional.of("Paris."), without.choices().get(0).message().content());
    assertEquals(Optional.empty(), without.choices().get(0).message().reasoningContent());
    assertEquals(FinishReason.STOP, without.choices().get(0).finishReason());
    assertEquals("gemini-fallback", without.model());
  }

  @Test
  void answerWithoutCandidatesOrBlockReasonIsAServerError() {
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> map("{\"responseId\":\"x\"}".getBytes(StandardCharsets.UTF_8), false));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }
}
