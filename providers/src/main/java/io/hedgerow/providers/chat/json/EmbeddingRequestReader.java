package io.hedgerow.providers.chat.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.EmbeddingRequest;
import io.hedgerow.providers.chat.InvalidRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Parses and validates a client's {@code /v1/embeddings} body: text input only (a string or an array of
 * strings), optional {@code dimensions}, {@code encoding_format} {@code float} (the default) or {@code base64}.
 */
public final class EmbeddingRequestReader {
  private static final String TEXT_ONLY =
      "Only text input is supported: 'input' must be a string or an array of strings, not token ids.";

  private EmbeddingRequestReader() {}

  public static EmbeddingRequest read(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new InvalidRequestException("The request body is not valid JSON: " + e.getOriginalMessage() + where, null);
    } catch (IOException e) {
      throw new InvalidRequestException("The request body could not be read: " + e.getMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRequestException("The request body must be a JSON object.", null);
    }
    return read((ObjectNode) root);
  }

  public static EmbeddingRequest read(ObjectNode root) {
    JsonNode model = root.get("model");
    if (model == null || model.isNull()) throw new InvalidRequestException("Missing required parameter: 'model'.", "model");
    if (!model.isTextual() || model.asText().isEmpty()) {
      throw new InvalidRequestException("'model' must be a non-empty string.", "model");
    }
    return new EmbeddingRequest(model.asText(), inputs(root.get("input")), dimensions(root.get("dimensions")),
        base64(root.get("encoding_format")), root);
  }

  private static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) throw new InvalidRequestException("Missing required parameter: 'input'.", "input");
    if (input.isTextual()) return List.of(input.asText());
    if (!input.isArray()) throw new InvalidRequestException(TEXT_ONLY, "input");
    if (input.isEmpty()) throw new InvalidRequestException("'input' must not be an empty array.", "input");
    List<String> out = new ArrayList<>(input.size());
    for (JsonNode e : input) {
      if (!e.isTextual()) throw new InvalidRequestException(TEXT_ONLY, "input");
      out.add(e.asText());
    }
    return List.copyOf(out);
  }

  private static OptionalInt dimensions(JsonNode v) {
    if (v == null || v.isNull()) return OptionalInt.empty();
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw new InvalidRequestException("'dimensions' must be an integer of at least 1.", "dimensions");
    }
    return OptionalInt.of(v.asInt());
  }

  private static boolean base64(JsonNode v) {
    if (v == null || v.isNull()) return false;
    String format = v.isTextual() ? v.asText() : v.toString();
    return switch (format) {
      case "float" -> false;
      case "base64" -> true;
      default -> throw new InvalidRequestException("Invalid value for 'encoding_format': '" + format
          + "'. Supported values are: 'float' and 'base64'.", "encoding_format");
    };
  }
}
