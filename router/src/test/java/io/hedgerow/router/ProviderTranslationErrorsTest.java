package io.hedgerow.router;

import static io.hedgerow.router.ProviderTranslationEndToEndTest.BACKUP_SIM;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.ask;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.body;
import static io.hedgerow.router.ProviderTranslationEndToEndTest.onlyRequestTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.hedgerow.providers.sim.RecordedRequest;
import io.hedgerow.router.ProviderTranslationEndToEndTest.Kind;
import io.hedgerow.router.testkit.RunningGateway;
import io.hedgerow.router.testkit.SseStream;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Upstream failures and embeddings through each wire format: the client gets OpenAI's statuses and error
 * bodies whichever provider failed, and a request the provider rejects is not tried elsewhere.
 */
class ProviderTranslationErrorsTest {
  private static Map<String, String> keys;
  private static RunningGateway gw;
  private static OpenAIClient client;

  @BeforeAll
  static void start() {
    keys = ProviderTranslationEndToEndTest.freshKeys();
    gw = ProviderTranslationEndToEndTest.startGateway(keys);
    client = ProviderTranslationEndToEndTest.sdk(gw);
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (gw != null) gw.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    ProviderTranslationEndToEndTest.clearAllRecorded(gw);
  }

  private static String chat(String model, boolean stream, String text) {
    return """
        {"model":"%s","stream":%s,"messages":[{"role":"user","content":"%s"}]}""".formatted(model, stream, text);
  }

  private static JsonNode error(HttpResponse<String> r) {
    JsonNode error = SseStream.json(r.body()).path("error");
    assertTrue(error.isObject() && error.has("message") && error.has("type"), "OpenAI's error shape: " + r.body());
    return error;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void rateLimitStays429WithRetryAfterWhenNoOtherProviderIsLeft(Kind kind) {
    RateLimitException e = assertThrows(RateLimitException.class,
        () -> client.chat().completions().create(ask(kind.model, "hello sim:fault=rate-limit").build()));
    assertEquals(429, e.statusCode());
    assertEquals(List.of("3"), e.headers().values("retry-after"), "the provider's own delay is passed on");

    for (boolean stream : new boolean[] {false, true}) {
      HttpResponse<String> r = gw.post("/v1/chat/completions", chat(kind.model, stream, "hello sim:fault=rate-limit"));
      assertEquals(429, r.statusCode(), r.body());
      assertEquals("3", r.headers().firstValue("retry-after").orElseThrow(), "stream=" + stream);
      assertEquals("rate_limit_exceeded", error(r).path("code").asText());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void overloadBecomes503(Kind kind) {
    InternalServerException e = assertThrows(InternalServerException.class,
        () -> client.chat().completions().create(ask(kind.model, "hello sim:fault=overloaded").build()));
    assertEquals(503, e.statusCode());

    HttpResponse<String> streamed = gw.post("/v1/chat/completions", chat(kind.model, true, "hello sim:fault=overloaded"));
    assertEquals(503, streamed.statusCode(), "a failure before the first byte is a real status: " + streamed.body());
    assertEquals("overloaded", error(streamed).path("code").asText());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void failureAfterTheFirstTokenEndsTheStreamWithAnErrorFrameAndNoDone(Kind kind) {
    HttpResponse<String> r = gw.post("/v1/chat/completions",
        chat(kind.model, true, "hello sim:tokens=20 sim:fault=abort-mid-stream"));

    assertEquals(200, r.statusCode(), "the stream had started: " + r.body());
    List<String> frames = new SseStream(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.UTF_8))).rest();
    assertTrue(frames.size() >= 2, r.body());
    assertFalse(frames.contains("[DONE]"), "a broken stream does not claim to be done: " + r.body());
    JsonNode last = SseStream.json(frames.get(frames.size() - 1));
    assertFalse(last.path("error").path("message").asText().isBlank(), "the last frame is an error: " + last);
    StringBuilder text = new StringBuilder();
    for (String frame : frames.subList(0, frames.size() - 1)) {
      JsonNode choice = SseStream.json(frame).path("choices").get(0);
      assertTrue(choice.path("finish_reason").isNull(), "no finish before the error: " + frame);
      text.append(choice.path("delta").path("content").asText(""));
    }
    assertTrue(text.toString().startsWith(kind.sim), "the tokens before the break reached the client: " + text);
  }

  /** Both providers reject a conversation without a user or assistant turn, as their real APIs do. */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"ANTHROPIC", "GEMINI"})
  void upstreamBadRequestStays400AndIsNotRetriedOnTheBackup(Kind kind) {
    BadRequestException e = assertThrows(BadRequestException.class, () -> client.chat().completions()
        .create(ChatCompletionCreateParams.builder().model(kind.routeWithBackup()).addSystemMessage("only rules").build()));

    assertEquals(400, e.statusCode());
    assertEquals(List.of("1"), e.headers().values("x-hedgerow-attempts"));
    assertFalse(e.getMessage().isBlank());
    onlyRequestTo(gw, kind.sim);
    assertEquals(List.of(), gw.sim(BACKUP_SIM).recorded(), "a 400 is the request's fault; no other provider is tried");
  }

  @Test
  void geminiToolResultWithoutAMatchingCallIsRejectedBeforeAnythingIsSent() {
    HttpResponse<String> r = gw.post("/v1/chat/completions", """
        {"model":"%s","messages":[
          {"role":"user","content":"weather?"},
          {"role":"tool","tool_call_id":"call_from_nowhere","content":"sunny"}]}"""
        .formatted(Kind.GEMINI.routeWithBackup()));

    assertEquals(400, r.statusCode(), r.body());
    assertTrue(error(r).path("message").asText().contains("call_from_nowhere"), r.body());
    assertEquals("invalid_request_error", error(r).path("type").asText());
    assertEquals("1", r.headers().firstValue("x-hedgerow-attempts").orElseThrow());
    assertEquals(List.of(), gw.sim(Kind.GEMINI.sim).recorded(), "Gemini could not match the result to a function");
    assertEquals(List.of(), gw.sim(BACKUP_SIM).recorded(), "and the backup was not tried");
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"OPENAI", "GEMINI"})
  void embeddingsComeBackInInputOrderAndBase64DecodesToTheSameFloats(Kind kind) {
    List<String> inputs = List.of("alpha", "beta", "gamma");
    CreateEmbeddingResponse many = client.embeddings().create(EmbeddingCreateParams.builder()
        .model(kind.embeddingModel).inputOfArrayOfStrings(inputs)
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

    assertEquals(3, many.data().size());
    for (int i = 0; i < 3; i++) assertEquals(i, many.data().get(i).index());
    assertNotEquals(many.data().get(0).embedding(), many.data().get(1).embedding());
    RecordedRequest sent = onlyRequestTo(gw, kind.sim);
    if (kind == Kind.GEMINI) {
      assertEquals("/v1beta/models/gemini-embedding-sim:batchEmbedContents", sent.path());
      assertEquals(keys.get("TEST_GEMINI_KEY"), sent.header("x-goog-api-key").orElseThrow());
      assertFalse(sent.query().contains("key="));
    } else {
      assertEquals("/v1/embeddings", sent.path());
      assertEquals("text-embedding-sim", body(sent).path("model").asText());
      assertEquals("Bearer " + keys.get("TEST_OPENAI_KEY"), sent.header("authorization").orElseThrow());
    }

    CreateEmbeddingResponse beta = client.embeddings().create(EmbeddingCreateParams.builder()
        .model(kind.embeddingModel).input("beta").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
    assertEquals(many.data().get(1).embedding(), beta.data().get(0).embedding(), "vector 1 belongs to input 1");

    HttpResponse<String> r = gw.post("/v1/embeddings", """
        {"model":"%s","input":["alpha","beta","gamma"],"encoding_format":"base64"}""".formatted(kind.embeddingModel));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode data = SseStream.json(r.body()).path("data");
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(floats(many.data().get(i).embedding()), decode(data.get(i).path("embedding").asText()),
          "base64 of input " + i);
    }
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = values.get(i);
    return out;
  }

  /** OpenAI's base64 embeddings are little-endian float32. */
  private static float[] decode(String base64) {
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[bytes.remaining() / Float.BYTES];
    for (int i = 0; i < out.length; i++) out[i] = bytes.getFloat();
    return out;
  }

  @Test
  void anthropicModelHasNoEmbeddings() {
    BadRequestException e = assertThrows(BadRequestException.class, () -> client.embeddings().create(
        EmbeddingCreateParams.builder().model(Kind.ANTHROPIC.embeddingModel).input("alpha").build()));

    assertEquals(400, e.statusCode());
    assertEquals("model_not_supported", e.code().orElseThrow());
    assertEquals(List.of(), gw.sim(Kind.ANTHROPIC.sim).recorded());
  }
}
