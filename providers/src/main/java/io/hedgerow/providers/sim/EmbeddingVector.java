package io.hedgerow.providers.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A deterministic, unit-length 8-dimensional vector for a text: equal texts embed equally, always. */
final class EmbeddingVector {

    static final int DIMENSIONS = 8;

    private EmbeddingVector() {
    }

    static double[] of(String text) {
        ByteBuffer hash = ByteBuffer.wrap(sha256(text));
        double[] vector = new double[DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = hash.getInt() / (double) Integer.MAX_VALUE;
            norm += vector[i] * vector[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < DIMENSIONS; i++) {
            // Rounded so the JSON stays short and identical across JVMs.
            vector[i] = Math.round(vector[i] / norm * 1e6) / 1e6;
        }
        return vector;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
