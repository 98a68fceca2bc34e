package io.hedgerow.providers.gemini;

import static io.hedgerow.providers.gemini.GeminiFixtures.assertJson;
import static io.hedgerow.providers.gemini.GeminiFixtures.json;
import static io.hedgerow.providers.gemini.GeminiFixtures.request;
import static io.hedgerow.providers.gemini.GeminiFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.json.Json;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GeminiRequestMapperTest {
  private static final GeminiRequestMapper MAPPER = new GeminiRequestMapper(true, true);

  private static final String TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}";

  private static ObjectNode map(String body) {
    return MAPPER.toUpstream(request(body));
  }

  private static JsonNode parse(String s) throws Exception {
    return Json.MAPPER.readTree(s);
  }

  @Test
  void conversationMapsToContentsSystemInstructionGenerationConfigAndTools() {
    assertJson(json("chat-request.expected.json"), MAPPER.toUpstream(request(text("chat-request.json"))));
  }

  @Test
  void plainRequestHasOnlyContents() throws Exception {
    ObjectNode body = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    assertJson(parse("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"), body);
  }

  @Test
  void toolChoiceNoneRequiredAndNamedMapToFunctionCallingModes() throws Exception {
    String base = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"tools\":[" + TOOL + "]";
    assertJson(parse("{\"mode\":\"AUTO\"}"), map(base + "}").at("/toolConfig/functionCallingConfig"));
    assertJson(parse("{\"mode\":\"AUTO\"}"), map(base + ",\"tool_choice\":\"auto\"}").at("/toolConfig/functionCallingConfig"));
    assertJson(parse("{\"mode\":\"NONE\"}"), map(base + ",\"tool_choice\":\"none\"}").at("/toolConfig/functionCallingConfig"));
    assertJson(parse("{\"mode\":\"ANY\"}"), map(base + ",\"tool_choice\":\"required\"}").at("/toolConfig/functionCallingConfig"));
    assertJson(parse("{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_weather\"]}"),
        map(base + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}}")
            .at("/toolConfig/functionCallingConfig"));
  }

  @Test
  void noToolsMeansNoToolsAndNoToolConfig() {
    ObjectNode body = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"tool_choice\":\"none\"}");
    assertFalse(body.has("tools"));
    assertFalse(body.has("toolConfig"));
  }

  @Test
  void jsonObjectAsksForJsonWithoutASchema() throws Exception {
    ObjectNode body = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
        + "\"response_format\":{\"type\":\"json_object\"}}");
    assertJson(parse("{\"responseMimeType\":\"application/json\"}"), body.get("generationConfig"));
  }

  @Test
  void jsonSchemaAsksForJsonWithTheConvertedSchema() throws Exception {
    ObjectNode body = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"strict\":true,\"schema\":"
        + "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"additionalProperties\":false,"
        + "\"properties\":{\"city\":{\"type\":\"string\"},\"rank\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]}},"
        + "\"required\":[\"city\",\"rank\"]}}}}");
    assertJson(parse("{\"responseMimeType\":\"application/json\",\"responseSchema\":{\"type\":\"object\","
        + "\"properties\":{\"city\":{\"type\":\"string\"},\"rank\":{\"type\":\"integer\",\"nullable\":true}},"
        + "\"required\":[\"city\",\"rank\"]}}"), body.get("generationConfig"));
  }

  @Test
  void reasoningEffortAsksForThoughtSummariesUnlessDisabled() throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"reasoning_effort\":\"low\"}";
    assertJson(parse("{\"thinkingConfig\":{\"includeThoughts\":true}}"), map(body).get("generationConfig"));
    assertFalse(new GeminiRequestMapper(false, true).toUpstream(request(body)).has("generationConfig"));
  }

  @Test
  void replayedFunctionCallsCarryNoSignatureWhenTheSentinelIsDisabled() {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":[{\"type\":\"text\",\"text\":\"[1, 2]\"}]}]}";
    ObjectNode mapped = new GeminiRequestMapper(true, false).toUpstream(request(body));
    assertJson(Json.MAPPER.createObjectNode().set("functionCall",
        Json.MAPPER.createObjectNode().put("name", "f").set("args", Json.MAPPER.createObjectNode())), mapped.at("/contents/1/parts/0"));
    // a JSON array is not an object, so it travels as text
    assertEquals("[1, 2]", mapped.at("/contents/2/parts/0/functionResponse/response/content").asText());
    assertEquals("f", mapped.at("/contents/2/parts/0/functionResponse/name").asText());
  }

  @Test
  void toolResultForAnUnknownCallIdIsAnInvalidRequest() {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"c2\",\"content\":\"done\"}]}";
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> map(body));
    assertEquals(Optional.of("messages[2].tool_call_id"), e.param());
  }

  @Test
  void toolCallArgumentsThatAreNotAnObjectAreAnInvalidRequest() {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}";
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> map(body));
    assertEquals(Optional.of("messages[1].tool_calls[0].function.arguments"), e.param());
  }

  @Test
  void remoteImageMediaTypeIsGuessedFromTheExtension() {
    assertEquals("image/png", GeminiRequestMapper.mimeTypeOf("https://x.test/a/b.png"));
    assertEquals("image/gif", GeminiRequestMapper.mimeTypeOf("https://x.test/b.GIF#frag"));
    assertEquals("image/jpeg", GeminiRequestMapper.mimeTypeOf("https://x.test/photo.jpeg"));
    assertEquals("image/jpeg", GeminiRequestMapper.mimeTypeOf("https://x.test.png/photo"));
    assertEquals("image/jpeg", GeminiRequestMapper.mimeTypeOf("https://x.test/photo.bmp?x=.png"));
  }
}
