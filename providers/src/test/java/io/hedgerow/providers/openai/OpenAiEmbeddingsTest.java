package io.hedgerow.providers.openai;

import static io.hedgerow.providers.openai.OpenAiFixtures.bytes;
import static io.hedgerow.providers.openai.OpenAiFixtures.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.EmbeddingRequestReader;
import io.hedgerow.providers.chat.json.EmbeddingResultWriter;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's embeddings request, the upstream call built from it, and the answer the client reads. */
class OpenAiEmbeddingsTest {
  private static EmbeddingRequest read(String json) {
    return EmbeddingRequestReader.read(json.getBytes(StandardCharsets.UTF_8));
  }

  private static InvalidRequestException rejected(String json) {
    return assertThrows(InvalidRequestException.class, () -> read(json));
  }

  @Test
  void stringInputIsOneTextAndFloatIsTheDefaultEncoding() {
    EmbeddingRequest r = read("{\"model\":\"embed\",\"input\":\"hello\"}");
    assertEquals("embed", r.model());
    assertEquals(List.of("hello"), r.inputs());
    assertEquals(OptionalInt.empty(), r.dimensions());
    assertEquals(false, r.base64());
  }

  @Test
  void arrayInputDimensionsAndBase64AreRead() {
    EmbeddingRequest r = read("{\"model\":\"embed\",\"input\":[\"a\",\"b\"],\"dimensions\":256,\"encoding_format\":\"base64\"}");
    assertEquals(List.of("a", "b"), r.inputs());
    assertEquals(OptionalInt.of(256), r.dimensions());
    assertEquals(true, r.base64());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1212, 318]", "[[1212, 318], [257]]", "42"})
  void tokenIdInputIsRejectedSayingOnlyTextIsSupported(String input) {
    InvalidRequestException e = rejected("{\"model\":\"embed\",\"input\":" + input + "}");
    assertTrue(e.getMessage().contains("Only text input is supported"), e.getMessage());
    assertEquals("input", e.param().orElseThrow());
  }

  @Test
  void badRequestsSayWhatIsWrong() {
    assertEquals("model", rejected("{\"input\":\"x\"}").param().orElseThrow());
    assertEquals("input", rejected("{\"model\":\"m\"}").param().orElseThrow());
    assertEquals("input", rejected("{\"model\":\"m\",\"input\":[]}").param().orElseThrow());
    assertEquals("dimensions", rejected("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}").param().orElseThrow());
    assertEquals("dimensions", rejected("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":1.5}").param().orElseThrow());
    InvalidRequestException e = rejected("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}");
    assertEquals("encoding_format", e.param().orElseThrow());
    assertTrue(e.getMessage().contains("'float' and 'base64'"), e.getMessage());
    assertTrue(rejected("{\"model\":").getMessage().startsWith("The request body is not valid JSON"));
  }

  @Test
  void upstreamBodyPassesThroughWithModelReplacedAndFloatForced() {
    EmbeddingRequest r = read("{\"model\":\"embed\",\"input\":[\"a\"],\"dimensions\":256,\"encoding_format\":\"base64\",\"user\":\"u-1\"}");
    JsonNode body = parse(OpenAiEmbeddingMapper.toUpstream(r, "text-embedding-3-small", OpenAiPresets.OPENAI));
    assertEquals(parse("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\"],\"dimensions\":256,"
        + "\"encoding_format\":\"float\",\"user\":\"u-1\"}"), body);
  }

  @Test
  void mistralCallsTheSizeOutputDimension() {
    EmbeddingRequest r = read("{\"model\":\"embed\",\"input\":\"a\",\"dimensions\":512}");
    JsonNode body = parse(OpenAiEmbeddingMapper.toUpstream(r, "codestral-embed", OpenAiPresets.MISTRAL));
    assertEquals(512, body.path("output_dimension").asInt());
    assertEquals(false, body.has("dimensions"));
  }

  @Test
  void upstreamVectorsAreReturnedInInputOrder() {
    EmbeddingResult result = OpenAiEmbeddingMapper.fromUpstream(bytes("embeddings.json"), "fallback", 2);
    assertEquals("text-embedding-3-small", result.model());
    assertEquals(8, result.promptTokens());
    assertArrayEquals(new float[] {0.0023064255f, -0.009327292f, 0f}, result.vectors().get(0));
    assertArrayEquals(new float[] {-0.015f, 0.25f, 1.5f}, result.vectors().get(1));
  }

  @Test
  void base64VectorsFromAProviderThatIgnoredTheFormatAreDecoded() {
    String b64 = base64(new float[] {1.5f, -2f});
    EmbeddingResult result = OpenAiEmbeddingMapper.fromUpstream(("{\"data\":[{\"index\":0,\"embedding\":\"" + b64
        + "\"}],\"usage\":{\"total_tokens\":3}}").getBytes(StandardCharsets.UTF_8), "up-model", 1);
    assertArrayEquals(new float[] {1.5f, -2f}, result.vectors().get(0));
    assertEquals("up-model", result.model());
    assertEquals(3, result.promptTokens());
  }

  @Test
  void aCountMismatchIsAnUpstreamFault() {
    UpstreamException e = assertThrows(UpstreamException.class,
        () -> OpenAiEmbeddingMapper.fromUpstream(bytes("embeddings.json"), "m", 3));
    assertEquals(ErrorClass.SERVER_ERROR, e.error().errorClass());
  }

  @Test
  void resultIsWrittenAsOpenAisListWithFloatVectors() {
    EmbeddingResult result = new EmbeddingResult("text-embedding-3-small",
        List.of(new float[] {0.25f, -1f}, new float[] {0.5f, 0f}), 8);
    assertEquals(parse("""
        {"object":"list","data":[
          {"object":"embedding","index":0,"embedding":[0.25,-1.0]},
          {"object":"embedding","index":1,"embedding":[0.5,0.0]}],
         "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}"""),
        parse(EmbeddingResultWriter.write(result, false)));
  }

  @Test
  void base64ResultIsLittleEndianFloat32AsOpenAiSdksDecodeIt() {
    float[] v = {0.0023064255f, -0.009327292f, 1f};
    JsonNode out = parse(EmbeddingResultWriter.write(new EmbeddingResult("m", List.of(v), 2), true));
    String text = out.path("data").get(0).path("embedding").asText();
    ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
    float[] back = new float[v.length];
    for (int i = 0; i < v.length; i++) back[i] = buffer.getFloat();
    assertArrayEquals(v, back);
    assertEquals("AAAAAAAAgD8=", base64(new float[] {0f, 1f}), "1.0f is 00 00 80 3f little-endian");
  }

  private static String base64(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) b.putFloat(f);
    return Base64.getEncoder().encodeToString(b.array());
  }
}
