package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.bytes;
import static io.hedgerow.providers.openai.OpenAiFixtures.json;
import static io.hedgerow.providers.openai.OpenAiFixtures.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Non-streamed upstream answers, compared with the {@code chat.completion} the client receives. */
class OpenAiResponseMapperTest {

  @ParameterizedTest
  @ValueSource(strings = {"completion-text", "completion-tool-calls", "completion-deepseek-reasoning",
      "completion-mistral-thinking"})
  void completionIsWrittenBackAsOpenAiExactJson(String fixture) {
    assertEquals(json(fixture + ".expected.json"), written(OpenAiResponseMapper.fromUpstream(bytes(fixture + ".json"))));
  }

  @Test
  void bodyThatIsNotJsonIsAServerError() {
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> OpenAiResponseMapper.fromUpstream(bytes("error-502.html")));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }

  @Test
  void bodyWithoutChoicesIsAServerError() {
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> OpenAiResponseMapper.fromUpstream("{\"id\":\"x\",\"object\":\"chat.completion\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }
}
