package io.hedgerow.providers.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.hedgerow.providers.anthropic.AnthropicSettings.StructuredOutputs;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicSettingsTest {

  @Test
  void emptyBlockGivesTheDefaults() {
    assertEquals(new AnthropicSettings("2023-06-01", List.of(), 4096, 1024, StructuredOutputs.NATIVE),
        AnthropicSettings.from(ConfigFactory.parseString("base-url = \"https://api.anthropic.com\"")));
  }

  @Test
  void everyKeyIsRead() {
    AnthropicSettings s = AnthropicSettings.from(ConfigFactory.parseString("""
        anthropic-version = "2023-01-01"
        beta-headers = ["a-2025-01-01", "b-2025-02-02"]
        default-max-tokens = 8192
        thinking-budget-tokens = 4000
        structured-outputs = tool
        """));
    assertEquals(new AnthropicSettings("2023-01-01", List.of("a-2025-01-01", "b-2025-02-02"), 8192, 4000,
        StructuredOutputs.TOOL), s);
  }

  @Test
  void betaHeadersMayBeOneCommaSeparatedString() {
    assertEquals(List.of("a", "b"), AnthropicSettings.from(ConfigFactory.parseString("beta-headers = \"a, b\"")).betas());
  }

  @Test
  void badValuesAreRejectedAtStartup() {
    assertThrows(ConfigException.BadValue.class,
        () -> AnthropicSettings.from(ConfigFactory.parseString("structured-outputs = maybe")));
    assertThrows(ConfigException.BadValue.class,
        () -> AnthropicSettings.from(ConfigFactory.parseString("thinking-budget-tokens = 100")));
    assertThrows(ConfigException.BadValue.class,
        () -> AnthropicSettings.from(ConfigFactory.parseString("default-max-tokens = 0")));
  }
}
