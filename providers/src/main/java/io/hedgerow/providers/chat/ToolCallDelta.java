package io.hedgerow.providers.chat;

import java.util.Optional;

/**
 * A piece of a streamed tool call. The first piece of a call carries its {@code id} and {@code name};
 * later pieces carry argument fragments only. {@code index} counts tool calls from 0.
 */
public record ToolCallDelta(int index, Optional<String> id, Optional<String> name, String arguments) {
  public static ToolCallDelta start(int index, String id, String name, String arguments) {
    return new ToolCallDelta(index, Optional.of(id), Optional.of(name), arguments);
  }

  public static ToolCallDelta fragment(int index, String arguments) {
    return new ToolCallDelta(index, Optional.empty(), Optional.empty(), arguments);
  }
}
