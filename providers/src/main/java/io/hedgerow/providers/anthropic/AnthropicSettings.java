package io.hedgerow.providers.anthropic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code anthropic}-specific keys of a provider block, read once when the adapter is built: the API
 * version and beta headers, the {@code max_tokens} sent when the client gives none, the extended-thinking
 * budget, and how {@code response_format} is served.
 */
public record AnthropicSettings(
    String version, List<String> betas, int defaultMaxTokens, int thinkingBudgetTokens, StructuredOutputs structuredOutputs) {

  /** How a JSON {@code response_format} reaches Anthropic. */
  public enum StructuredOutputs {
    /** {@code output_config.format} (constrained decoding; Claude 4.5 models and later) and strict tools. */
    NATIVE,
    /** A forced {@code json_response} tool whose input becomes the answer; works with every Claude model. */
    TOOL
  }

  public static final AnthropicSettings DEFAULTS =
      new AnthropicSettings("2023-06-01", List.of(), 4096, 1024, StructuredOutputs.NATIVE);

  public static AnthropicSettings from(Config c) {
    String version = c.hasPath("anthropic-version") ? c.getString("anthropic-version") : DEFAULTS.version();
    List<String> betas = DEFAULTS.betas();
    if (c.hasPath("beta-headers")) {
      // A single string is accepted too, since that is how the header itself is written.
      betas = c.getValue("beta-headers").valueType() == ConfigValueType.STRING
          ? Arrays.stream(c.getString("beta-headers").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
          : List.copyOf(c.getStringList("beta-headers"));
    }
    int maxTokens = c.hasPath("default-max-tokens") ? c.getInt("default-max-tokens") : DEFAULTS.defaultMaxTokens();
    if (maxTokens < 1) throw new ConfigException.BadValue(c.origin(), "default-max-tokens", "must be at least 1");
    int budget = c.hasPath("thinking-budget-tokens") ? c.getInt("thinking-budget-tokens") : DEFAULTS.thinkingBudgetTokens();
    if (budget < 1024) {
      throw new ConfigException.BadValue(c.origin(), "thinking-budget-tokens", "Anthropic's minimum budget is 1024");
    }
    StructuredOutputs mode = DEFAULTS.structuredOutputs();
    if (c.hasPath("structured-outputs")) {
      mode = switch (c.getString("structured-outputs")) {
        case "native" -> StructuredOutputs.NATIVE;
        case "tool" -> StructuredOutputs.TOOL;
        default -> throw new ConfigException.BadValue(c.origin(), "structured-outputs", "must be \"native\" or \"tool\"");
      };
    }
    return new AnthropicSettings(version, betas, maxTokens, budget, mode);
  }
}
