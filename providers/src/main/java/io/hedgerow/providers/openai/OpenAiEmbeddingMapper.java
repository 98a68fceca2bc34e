package io.hedgerow.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.EmbeddingResult;
import io.hedgerow.providers.chat.json.Json;
import io.hedgerow.providers.upstream.ErrorClass;
import io.hedgerow.providers.upstream.UpstreamError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Translates an embeddings call to and from an OpenAI-compatible {@code /embeddings} endpoint. The client's
 * body passes through with {@code model} replaced and {@code encoding_format} forced to {@code float}, so
 * Hedgerow holds real vectors and can answer in whichever encoding the client asked for.
 */
public final class OpenAiEmbeddingMapper {
  private OpenAiEmbeddingMapper() {}

  public static byte[] toUpstream(EmbeddingRequest request, String upstreamModel, OpenAiPreset preset) {
    ObjectNode body = request.body().deepCopy();
    body.put("model", upstreamModel);
    body.put("encoding_format", "float");
    OpenAiRequestMapper.renameFields(body, preset.renamedEmbeddingFields());
    return OpenAiRequestMapper.write(body);
  }

  /** Reads the vectors in input order ({@code index}), and the prompt tokens spent. */
  public static EmbeddingResult fromUpstream(byte[] body, String upstreamModel, int inputs) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw failure("The upstream answered an embeddings call with a body that is not JSON.");
    }
    if (root == null || !root.path("data").isArray()) throw failure("The upstream answered an embeddings call without data.");
    JsonNode data = root.get("data");
    if (data.size() != inputs) {
      throw failure("The upstream answered " + data.size() + " embeddings for " + inputs + " inputs.");
    }
    List<float[]> vectors = new ArrayList<>(inputs);
    for (int i = 0; i < inputs; i++) vectors.add(null);
    for (int position = 0; position < data.size(); position++) {
      JsonNode item = data.get(position);
      int index = item.path("index").asInt(position);
      if (index < 0 || index >= inputs || vectors.get(index) != null) {
        throw failure("The upstream answered an embeddings call with a bad index " + index + ".");
      }
      vectors.set(index, vector(item.path("embedding")));
    }
    JsonNode usage = root.path("usage");
    int promptTokens = usage.path("prompt_tokens").asInt(usage.path("total_tokens").asInt(0));
    return new EmbeddingResult(root.path("model").asText(upstreamModel), List.copyOf(vectors), promptTokens);
  }

  /** A JSON array of numbers, or (from a provider that ignored {@code encoding_format}) base64 little-endian float32. */
  private static float[] vector(JsonNode embedding) {
    if (embedding.isArray()) {
      float[] v = new float[embedding.size()];
      for (int i = 0; i < v.length; i++) v[i] = (float) embedding.get(i).asDouble();
      return v;
    }
    if (embedding.isTextual()) {
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(embedding.asText());
      } catch (IllegalArgumentException e) {
        throw failure("The upstream sent an embedding that is neither numbers nor base64.");
      }
      ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[raw.length / Float.BYTES];
      for (int i = 0; i < v.length; i++) v[i] = bytes.getFloat();
      return v;
    }
    throw failure("The upstream sent an embedding that is neither numbers nor base64.");
  }

  private static RuntimeException failure(String message) {
    return UpstreamError.of(ErrorClass.SERVER_ERROR, 200, message).exception();
  }
}
