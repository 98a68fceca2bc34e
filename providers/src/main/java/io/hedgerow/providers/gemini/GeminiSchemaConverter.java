package io.hedgerow.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.json.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Converts a JSON Schema (tool parameters, {@code response_format} schemas) into the OpenAPI-3 subset
 * Gemini's {@code Schema} accepts. Gemini rejects unknown fields with a 400, so this copies only the
 * keywords it knows — like vercel/ai's {@code convert-json-schema-to-openapi-schema.ts} — and rewrites
 * the JSON Schema idioms it lacks: {@code const}, type arrays and null members become {@code enum} and
 * {@code nullable}, {@code oneOf} becomes {@code anyOf}, {@code allOf} is merged, local {@code $ref}s are
 * inlined.
 */
final class GeminiSchemaConverter {
  /** Keywords Gemini's Schema takes with the same name and meaning; everything else not handled below is dropped. */
  private static final List<String> COPIED = List.of(
      "title", "description", "format", "pattern", "minLength", "maxLength", "minItems", "maxItems",
      "minProperties", "maxProperties", "minimum", "maximum", "default", "example", "propertyOrdering", "nullable");

  private final JsonNode root;
  /** The refs being inlined right now, so a recursive schema ends instead of looping. */
  private final Deque<String> inlining = new ArrayDeque<>();

  private GeminiSchemaConverter(JsonNode root) {
    this.root = root;
  }

  /**
   * The Gemini schema of a root schema, or empty when it is an object without properties: Gemini
   * rejects an OBJECT whose {@code properties} are empty, and no schema means the same thing.
   */
  static Optional<ObjectNode> convert(JsonNode schema) {
    ObjectNode out = new GeminiSchemaConverter(schema).node(schema);
    boolean emptyObject = out.path("type").asText("").equals("object") && out.path("properties").isEmpty();
    return emptyObject || out.isEmpty() ? Optional.empty() : Optional.of(out);
  }

  private ObjectNode node(JsonNode s) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (!s.isObject()) return out; // a boolean schema: Gemini's subset has no way to say "anything" or "nothing"
    JsonNode ref = s.get("$ref");
    if (ref != null && ref.isTextual()) inlineRef(ref.asText(), out);
    for (String k : COPIED) {
      JsonNode v = s.get(k);
      if (v != null && !v.isNull()) out.set(k, v);
    }
    JsonNode required = s.get("required");
    if (required != null && required.isArray()) out.set("required", required);
    type(s.get("type"), out);
    JsonNode constValue = s.get("const");
    if (constValue != null) out.putArray("enum").add(constValue);
    JsonNode enumValues = s.get("enum");
    if (enumValues != null && enumValues.isArray()) out.set("enum", enumValues);
    JsonNode properties = s.get("properties");
    if (properties != null && properties.isObject()) {
      ObjectNode props = out.putObject("properties");
      for (Map.Entry<String, JsonNode> e : properties.properties()) props.set(e.getKey(), node(e.getValue()));
    }
    JsonNode items = s.get("items");
    if (items != null && items.isObject()) out.set("items", node(items));
    else if (items != null && items.isArray()) out.set("items", alternatives(items)); // a tuple: Gemini has one item schema
    List<JsonNode> alternatives = new ArrayList<>();
    s.path("anyOf").forEach(alternatives::add);
    s.path("oneOf").forEach(alternatives::add); // Gemini has only anyOf; "one of" output is also "any of"
    if (!alternatives.isEmpty()) union(alternatives, out);
    for (JsonNode part : s.path("allOf")) merge(node(part), out);
    return out;
  }

  /** JSON Schema allows {@code "type": ["string", "null"]}; Gemini wants one type plus {@code nullable}. */
  private static void type(JsonNode type, ObjectNode out) {
    if (type == null) return;
    if (type.isTextual()) {
      out.put("type", type.asText());
      return;
    }
    if (!type.isArray()) return;
    List<String> types = new ArrayList<>();
    boolean nullable = false;
    for (JsonNode t : type) {
      if (t.asText().equals("null")) nullable = true;
      else types.add(t.asText());
    }
    if (types.size() == 1) out.put("type", types.get(0));
    else if (types.size() > 1) types.forEach(t -> out.withArrayProperty("anyOf").addObject().put("type", t));
    else if (nullable) out.put("type", "null");
    if (nullable && !types.isEmpty()) out.put("nullable", true);
  }

  /** {@code anyOf} with a {@code {"type":"null"}} member is how JSON Schema says nullable. */
  private void union(List<JsonNode> alternatives, ObjectNode out) {
    List<ObjectNode> nonNull = new ArrayList<>();
    boolean nullable = false;
    for (JsonNode a : alternatives) {
      if (a.path("type").asText("").equals("null")) nullable = true;
      else nonNull.add(node(a));
    }
    if (nonNull.size() == 1) merge(nonNull.get(0), out);
    else if (!nonNull.isEmpty()) nonNull.forEach(out.withArrayProperty("anyOf")::add);
    if (nullable) out.put("nullable", true);
  }

  private ObjectNode alternatives(JsonNode items) {
    ObjectNode union = Json.MAPPER.createObjectNode();
    List<JsonNode> list = new ArrayList<>();
    items.forEach(list::add);
    union(list, union);
    return union;
  }

  /** Folds one converted schema into another: properties and required lists unite, other keywords fill gaps. */
  private static void merge(ObjectNode from, ObjectNode into) {
    for (Map.Entry<String, JsonNode> e : from.properties()) {
      switch (e.getKey()) {
        case "properties" -> into.withObjectProperty("properties").setAll((ObjectNode) e.getValue());
        case "required" -> {
          Set<String> names = new LinkedHashSet<>();
          into.path("required").forEach(n -> names.add(n.asText()));
          e.getValue().forEach(n -> names.add(n.asText()));
          ArrayNode merged = into.putArray("required");
          names.forEach(merged::add);
        }
        default -> {
          if (!into.has(e.getKey())) into.set(e.getKey(), e.getValue());
        }
      }
    }
  }

  /**
   * Inlines a local reference ({@code #/$defs/X}, {@code #/definitions/X}, any {@code #/...} pointer).
   * A reference back into a schema already being inlined keeps only its type and description, since
   * Gemini cannot express recursion; remote references are dropped.
   */
  private void inlineRef(String ref, ObjectNode out) {
    if (!ref.startsWith("#")) return;
    JsonNode target = root.at(ref.substring(1));
    if (target.isMissingNode()) return;
    if (inlining.contains(ref)) {
      for (String k : List.of("type", "description")) {
        JsonNode v = target.get(k);
        if (v != null && v.isTextual()) out.put(k, v.asText());
      }
      return;
    }
    inlining.push(ref);
    merge(node(target), out);
    inlining.pop();
  }
}
