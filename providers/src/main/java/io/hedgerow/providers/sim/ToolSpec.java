package io.hedgerow.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool offered in a request: its name and the JSON schema of its arguments. */
record ToolSpec(String name, JsonNode parameters) {
}
