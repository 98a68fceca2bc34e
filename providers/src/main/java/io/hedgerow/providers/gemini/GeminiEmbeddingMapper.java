package io.hedgerow.providers.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Maps embedding inputs to Gemini's {@code batchEmbedContents} body and its answer back to vectors in
 * input order. Gemini takes at most {@link #MAX_BATCH} inputs per call, so larger requests are split.
 */
public final class GeminiEmbeddingMapper {
  /** "BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch". */
  public static final int MAX_BATCH = 100;

  private GeminiEmbeddingMapper() {}

  public static byte[] toUpstream(List<String> inputs, OptionalInt dimensions, String upstreamModel) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode requests = body.putArray("requests");
    for (String input : inputs) {
      ObjectNode r = requests.addObject().put("model", "models/" + upstreamModel);
      r.putObject("content").putArray("parts").addObject().put("text", input);
      dimensions.ifPresent(d -> r.put("outputDimensionality", d));
    }
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The vectors of one batch, checked to be one per input. */
  public static List<float[]> vectors(byte[] body, int inputs) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered with a body that is not JSON.").exception();
    }
    JsonNode embeddings = root == null ? Json.MAPPER.missingNode() : root.path("embeddings");
    if (embeddings.size() != inputs) {
      throw UpstreamError.of(ErrorClass.SERVER_ERROR, 200, "The upstream answered " + embeddings.size()
          + " embeddings for " + inputs + " inputs.").exception();
    }
    List<float[]> vectors = new ArrayList<>(embeddings.size());
    for (JsonNode e : embeddings) {
      JsonNode values = e.path("values");
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) v[i] = (float) values.get(i).asDouble();
      vectors.add(v);
    }
    return vectors;
  }

  public static EmbeddingResult result(EmbeddingRequest request, String upstreamModel, List<float[]> vectors) {
    return new EmbeddingResult(upstreamModel, List.copyOf(vectors), estimatedTokens(request.inputs()));
  }

  /**
   * Gemini does not report tokens for embeddings, so the prompt tokens are estimated as the number of
   * whitespace-separated words in all inputs: an undercount for most tokenizers, but never zero for real
   * input and stable enough for quotas.
   */
  static int estimatedTokens(List<String> inputs) {
    int words = 0;
    for (String input : inputs) {
      String s = input.strip();
      if (!s.isEmpty()) words += s.split("\\s+").length;
    }
    return words;
  }
}
