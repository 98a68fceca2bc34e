package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.assertJson;
import static io.hedgerow.providers.gemini.GeminiFixtures.bytes;
import static io.hedgerow.providers.gemini.GeminiFixtures.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GeminiEmbeddingMapperTest {
  private static final List<String> INPUTS = List.of("sunny day at the beach", "  rainy\tafternoon in Paris ");

  @Test
  void inputsBecomeOneBatchEmbedContentsRequestEach() throws Exception {
    byte[] body = GeminiEmbeddingMapper.toUpstream(INPUTS, OptionalInt.of(4), "gemini-embedding-001");
    assertJson(json("batch-embed.request.expected.json"), Json.MAPPER.readTree(body));
  }

  @Test
  void dimensionsAreLeftOutWhenNotGiven() throws Exception {
    byte[] body = GeminiEmbeddingMapper.toUpstream(List.of("x"), OptionalInt.empty(), "gemini-embedding-001");
    assertJson(Json.MAPPER.readTree("{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"x\"}]}}]}"),
        Json.MAPPER.readTree(body));
  }

  @Test
  void responseVectorsComeBackInInputOrderWithEstimatedTokens() {
    EmbeddingRequest request = new EmbeddingRequest("embed", INPUTS, OptionalInt.of(4), false, Json.MAPPER.createObjectNode());
    List<float[]> vectors = GeminiEmbeddingMapper.vectors(bytes("batch-embed.response.json"), INPUTS.size());
    EmbeddingResult result = GeminiEmbeddingMapper.result(request, "gemini-embedding-001", vectors);

    assertEquals("gemini-embedding-001", result.model());
    assertEquals(2, result.vectors().size());
    assertArrayEquals(new float[] {0.013168523f, -0.008711934f, -0.046782676f, 0.00069968984f}, result.vectors().get(0));
    assertArrayEquals(new float[] {-0.02101798f, 0.0441386f, -0.0173218f, 0.05011394f}, result.vectors().get(1));
    assertEquals(5 + 4, result.promptTokens()); // words, since Gemini reports no tokens for embeddings
  }

  @Test
  void answerWithTheWrongNumberOfVectorsIsAServerError() {
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> GeminiEmbeddingMapper.vectors(bytes("batch-embed.response.json"), 3));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }
}
