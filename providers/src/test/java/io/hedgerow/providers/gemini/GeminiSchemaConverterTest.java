package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.hedgerow.providers.chat.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GeminiSchemaConverterTest {

  private static JsonNode convert(String schema) throws Exception {
    return GeminiSchemaConverter.convert(Json.MAPPER.readTree(schema)).orElseThrow();
  }

  private static JsonNode json(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  @Test
  void removesSchemaAndAdditionalPropertiesAtEveryLevel() throws Exception {
    assertJson(
        json("{\"type\":\"object\",\"properties\":{\"keys\":{\"type\":\"object\",\"description\":\"Description for the key\"},"
            + "\"users\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"number\"}}}}}}"),
        convert("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"additionalProperties\":false,"
            + "\"properties\":{\"keys\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"},"
            + "\"description\":\"Description for the key\"},"
            + "\"users\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"properties\":{\"id\":{\"type\":\"number\"}}}}}}"));
  }

  @Test
  void dropsKeywordsGeminiDoesNotKnowAndKeepsThoseItDoes() throws Exception {
    assertJson(
        json("{\"type\":\"object\",\"title\":\"T\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9,"
            + "\"default\":3},\"s\":{\"type\":\"string\",\"format\":\"date-time\",\"pattern\":\"^x\",\"minLength\":1,\"maxLength\":5},"
            + "\"l\":{\"type\":\"array\",\"minItems\":2,\"maxItems\":5,\"items\":{\"type\":\"string\"}}},\"required\":[\"n\"]}"),
        convert("{\"$id\":\"urn:x\",\"type\":\"object\",\"title\":\"T\",\"strict\":true,\"examples\":[{}],"
            + "\"patternProperties\":{\"^a\":{}},\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":9,"
            + "\"exclusiveMinimum\":0,\"multipleOf\":1,\"default\":3},\"s\":{\"type\":\"string\",\"format\":\"date-time\","
            + "\"pattern\":\"^x\",\"minLength\":1,\"maxLength\":5,\"contentEncoding\":\"base64\"},"
            + "\"l\":{\"type\":\"array\",\"minItems\":2,\"maxItems\":5,\"uniqueItems\":true,\"items\":{\"type\":\"string\"}}},"
            + "\"required\":[\"n\"],\"not\":{\"required\":[\"x\"]}}"));
  }

  @Test
  void constBecomesASingleValueEnum() throws Exception {
    assertJson(json("{\"type\":\"object\",\"properties\":{\"status\":{\"enum\":[\"active\"]}}}"),
        convert("{\"type\":\"object\",\"properties\":{\"status\":{\"const\":\"active\"}}}"));
  }

  @Test
  void nullInTypesOrAlternativesBecomesNullable() throws Exception {
    assertJson(
        json("{\"type\":\"object\",\"properties\":{"
            + "\"a\":{\"type\":\"string\",\"nullable\":true},"
            + "\"b\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"number\"}],\"nullable\":true},"
            + "\"c\":{\"type\":\"string\",\"enum\":[\"x\",\"y\"],\"nullable\":true},"
            + "\"d\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]},"
            + "\"e\":{\"type\":\"null\"}}}"),
        convert("{\"type\":\"object\",\"properties\":{"
            + "\"a\":{\"type\":[\"string\",\"null\"]},"
            + "\"b\":{\"type\":[\"string\",\"number\",\"null\"]},"
            + "\"c\":{\"anyOf\":[{\"type\":\"string\",\"enum\":[\"x\",\"y\"]},{\"type\":\"null\"}]},"
            + "\"d\":{\"type\":[\"string\",\"number\"]},"
            + "\"e\":{\"type\":\"null\"}}}"));
  }

  @Test
  void oneOfBecomesAnyOfAndAllOfIsMerged() throws Exception {
    assertJson(
        json("{\"type\":\"object\",\"properties\":{"
            + "\"pick\":{\"anyOf\":[{\"type\":\"boolean\"},{\"type\":\"string\"}]},"
            + "\"both\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"number\"}},"
            + "\"required\":[\"a\",\"b\"]}}}"),
        convert("{\"type\":\"object\",\"properties\":{"
            + "\"pick\":{\"oneOf\":[{\"type\":\"boolean\"},{\"type\":\"string\"}]},"
            + "\"both\":{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]},"
            + "{\"properties\":{\"b\":{\"type\":\"number\"}},\"required\":[\"b\"],\"additionalProperties\":false}]}}}"));
  }

  @Test
  void localRefsAreInlinedAndRecursionStops() throws Exception {
    assertJson(
        json("{\"type\":\"object\",\"properties\":{"
            + "\"home\":{\"type\":\"object\",\"description\":\"Where\",\"properties\":{\"city\":{\"type\":\"string\"}}},"
            + "\"work\":{\"type\":\"object\",\"description\":\"Where\",\"properties\":{\"city\":{\"type\":\"string\"}}},"
            + "\"tree\":{\"type\":\"object\",\"properties\":{\"children\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}},"
            + "\"required\":[\"home\"]}"),
        convert("{\"type\":\"object\",\"$defs\":{\"Address\":{\"type\":\"object\",\"description\":\"Where\","
            + "\"properties\":{\"city\":{\"type\":\"string\"}},\"additionalProperties\":false},"
            + "\"Node\":{\"type\":\"object\",\"properties\":{\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Node\"}}}}},"
            + "\"definitions\":{\"Work\":{\"$ref\":\"#/$defs/Address\"}},"
            + "\"properties\":{\"home\":{\"$ref\":\"#/$defs/Address\"},\"work\":{\"$ref\":\"#/definitions/Work\"},"
            + "\"tree\":{\"$ref\":\"#/$defs/Node\"}},\"required\":[\"home\"]}"));
  }

  @Test
  void objectWithoutPropertiesAtTheRootMeansNoSchema() throws Exception {
    assertEquals(Optional.empty(), GeminiSchemaConverter.convert(json("{\"type\":\"object\"}")));
    assertEquals(Optional.empty(), GeminiSchemaConverter.convert(json("{\"type\":\"object\",\"properties\":{},"
        + "\"additionalProperties\":false}")));
  }

  @Test
  void nestedEmptyObjectsStaySoRequiredStillPointsAtThem() throws Exception {
    assertJson(json("{\"type\":\"object\",\"properties\":{\"options\":{\"type\":\"object\"}},\"required\":[\"options\"]}"),
        convert("{\"type\":\"object\",\"properties\":{\"options\":{\"type\":\"object\"}},\"required\":[\"options\"]}"));
  }
}
