package io.hedgerow.providers.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * A client's {@code /v1/embeddings} request: the texts to embed, the optional dimensions, whether the
 * client wants base64 vectors, and the body as sent (for pass-through to OpenAI-compatible upstreams).
 */
public record EmbeddingRequest(String model, List<String> inputs, OptionalInt dimensions, boolean base64, ObjectNode body) {}
