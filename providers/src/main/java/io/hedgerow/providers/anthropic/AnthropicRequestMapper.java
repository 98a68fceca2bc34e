package io.hedgerow.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hedgerow.providers.anthropic.AnthropicSettings.StructuredOutputs;
import io.hedgerow.providers.chat.ChatRequest;
import io.hedgerow.providers.chat.InvalidRequestException;
import io.hedgerow.providers.chat.ResponseFormat;
import io.hedgerow.providers.chat.ToolChoice;
import io.hedgerow.providers.chat.ToolDefinition;
import io.hedgerow.providers.chat.json.Json;
import java.util.Optional;

/**
 * Builds a Messages API body from a client's chat request: the conversation (see
 * {@link AnthropicConversation}), the always-required {@code max_tokens}, sampling, tools and
 * {@code tool_choice}, extended thinking, and the JSON {@code response_format}.
 */
public final class AnthropicRequestMapper {
  /** The forced tool that carries a JSON answer when {@code output_config} cannot. */
  static final String JSON_TOOL = "json_response";

  private final AnthropicSettings settings;

  public AnthropicRequestMapper(AnthropicSettings settings) {
    this.settings = settings;
  }

  public AnthropicRequest toUpstream(ChatRequest request, String upstreamModel, boolean stream) {
    if (request.n().orElse(1) > 1) {
      throw new InvalidRequestException("Anthropic models return a single choice; 'n' must be 1.", "n");
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", upstreamModel);
    int maxTokens = request.maxTokens().orElse(settings.defaultMaxTokens());
    if (request.reasoning()) {
      int budget = settings.thinkingBudgetTokens();
      // Thinking counts against max_tokens, which must exceed the budget; a smaller cap would leave no room
      // for the answer, so the budget comes on top of it.
      if (maxTokens <= budget) maxTokens += budget;
      body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }
    body.put("max_tokens", maxTokens);
    AnthropicConversation.write(request.messages(), body);
    if (!request.stop().isEmpty()) {
      ArrayNode stop = body.putArray("stop_sequences");
      request.stop().forEach(stop::add);
    }
    // Anthropic rejects temperature and top_p changes while thinking is on.
    if (!request.reasoning()) {
      request.temperature().ifPresent(t -> body.put("temperature", t));
      request.topP().ifPresent(p -> body.put("top_p", p));
    }
    Optional<String> jsonTool = tools(request, body);
    if (stream) body.put("stream", true);
    return new AnthropicRequest(body, new AnswerShape(request.reasoning(), jsonTool));
  }

  /** Writes {@code tools}, {@code tool_choice} and {@code output_config}; returns the JSON tool's name when one is forced. */
  private Optional<String> tools(ChatRequest request, ObjectNode body) {
    Optional<ResponseFormat> format = request.responseFormat().filter(ResponseFormat::isJson);
    boolean nativeOutputs = settings.structuredOutputs() == StructuredOutputs.NATIVE;
    // output_config needs a schema; json_object (or json_schema without one) can only go through the tool.
    boolean viaOutputConfig = format.isPresent() && format.get().schema().isPresent() && nativeOutputs;
    boolean viaTool = format.isPresent() && !viaOutputConfig;
    if (viaOutputConfig) {
      body.putObject("output_config").putObject("format").put("type", "json_schema").set("schema", format.get().schema().get());
    }
    if (viaTool && request.reasoning()) {
      throw new InvalidRequestException("This Anthropic provider serves response_format through a forced tool, which "
          + "Anthropic does not allow together with extended thinking; drop reasoning_effort or response_format.",
          "response_format");
    }
    ArrayNode tools = Json.MAPPER.createArrayNode();
    for (ToolDefinition t : request.tools()) {
      if (viaTool && t.name().equals(JSON_TOOL)) {
        throw new InvalidRequestException("The tool name '" + JSON_TOOL + "' is reserved for response_format on "
            + "Anthropic providers; rename the tool.", "tools");
      }
      ObjectNode tool = tools.addObject().put("name", t.name());
      t.description().ifPresent(d -> tool.put("description", d));
      tool.set("input_schema", t.parameters());
      // Strict tools are part of the same structured-outputs feature, so they follow the same setting.
      if (nativeOutputs && t.strict().orElse(false)) tool.put("strict", true);
    }
    if (viaTool) {
      JsonNode schema = format.get().schema().orElseGet(() -> Json.MAPPER.createObjectNode().put("type", "object"));
      tools.addObject().put("name", JSON_TOOL).put("description", "Respond with a JSON object.").set("input_schema", schema);
    }
    if (tools.isEmpty()) return Optional.empty();
    body.set("tools", tools);
    ObjectNode choice = viaTool ? jsonToolChoice(request) : toolChoice(request.effectiveToolChoice());
    if (!"none".equals(choice.path("type").asText()) && request.parallelToolCalls().filter(p -> !p).isPresent()) {
      choice.put("disable_parallel_tool_use", true);
    }
    body.set("tool_choice", choice);
    return viaTool ? Optional.of(JSON_TOOL) : Optional.empty();
  }

  private static ObjectNode toolChoice(ToolChoice choice) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    if (choice instanceof ToolChoice.None) c.put("type", "none");
    else if (choice instanceof ToolChoice.Auto) c.put("type", "auto");
    else if (choice instanceof ToolChoice.Required) c.put("type", "any");
    else if (choice instanceof ToolChoice.Named n) c.put("type", "tool").put("name", n.name());
    return c;
  }

  /**
   * With the JSON tool the model must end in some tool: the JSON tool alone when the client offers none (or
   * forbids its own), any tool when the client's may be used, the client's named tool when it forces one.
   */
  private static ObjectNode jsonToolChoice(ChatRequest request) {
    ObjectNode forceJson = Json.MAPPER.createObjectNode().put("type", "tool").put("name", JSON_TOOL);
    if (request.tools().isEmpty()) return forceJson;
    ToolChoice choice = request.effectiveToolChoice();
    if (choice instanceof ToolChoice.None) return forceJson;
    if (choice instanceof ToolChoice.Named) return toolChoice(choice);
    return Json.MAPPER.createObjectNode().put("type", "any");
  }
}
