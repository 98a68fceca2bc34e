package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One tool call of a scripted answer. {@code fragments} concatenate to {@code argumentsJson}; streaming
 * dialects that fragment arguments send them one per paced frame.
 *
 * @param idSuffix random part of the call id; each dialect adds its own prefix ({@code call_}, {@code toolu_})
 */
record ToolCall(String idSuffix, String name, JsonNode arguments, String argumentsJson, List<String> fragments) {
}
