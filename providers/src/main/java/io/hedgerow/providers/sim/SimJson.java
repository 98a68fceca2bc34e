package io.hedgerow.providers.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** The simulator's one shared Jackson mapper, and the two conversions every dialect needs. */
final class SimJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private SimJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree built in memory always serializes; reaching here is a programming error.
            throw new UncheckedIOException(e);
        }
    }
}
