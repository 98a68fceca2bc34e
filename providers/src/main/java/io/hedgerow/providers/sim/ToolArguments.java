package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Invents tool-call arguments that fit a JSON schema, and cuts their text into stream fragments. */
final class ToolArguments {

    private ToolArguments() {
    }

    /**
     * One value per schema property: strings {@code "sim-<prop>"}, numbers 42, booleans true, arrays [],
     * objects {}. The n-th parallel call of the same tool ({@code ordinal > 0}) gets distinct values, so
     * parallel calls are distinguishable.
     */
    static ObjectNode fromSchema(JsonNode schema, int ordinal) {
        ObjectNode args = SimJson.object();
        JsonNode properties = schema == null ? null : schema.get("properties");
        if (properties == null || !properties.isObject()) {
            return args;
        }
        String suffix = ordinal == 0 ? "" : "-" + (ordinal + 1);
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String name = property.getKey();
            switch (typeOf(property.getValue())) {
                case "number", "integer" -> args.put(name, 42 + ordinal);
                case "boolean" -> args.put(name, true);
                case "array" -> args.putArray(name);
                case "object" -> args.putObject(name);
                default -> args.put(name, "sim-" + name + suffix);
            }
        }
        return args;
    }

    /** Schemas may give {@code "type": ["string","null"]}; the first listed type decides. */
    private static String typeOf(JsonNode propertySchema) {
        JsonNode type = propertySchema.get("type");
        if (type == null) return "string";
        if (type.isArray()) return type.size() == 0 ? "string" : type.get(0).asText();
        return type.asText();
    }

    /**
     * Pieces of 1 to 6 characters, cut wherever they fall, because real providers split arguments
     * mid-token and a gateway must only reassemble them, never parse a fragment.
     */
    static List<String> fragments(String json, Random random) {
        List<String> pieces = new ArrayList<>();
        int at = 0;
        while (at < json.length()) {
            int end = Math.min(json.length(), at + 1 + random.nextInt(6));
            pieces.add(json.substring(at, end));
            at = end;
        }
        return pieces;
    }
}
