package io.hedgerow.providers.chat;

import java.util.List;

/** The vectors of an embeddings call, one per input in input order, and the prompt tokens spent. */
public record EmbeddingResult(String model, List<float[]> vectors, int promptTokens) {}
