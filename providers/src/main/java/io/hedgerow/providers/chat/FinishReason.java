package io.hedgerow.providers.chat;

/** Why a choice ended, in OpenAI's vocabulary. */
public enum FinishReason {
  STOP("stop"), LENGTH("length"), TOOL_CALLS("tool_calls"), CONTENT_FILTER("content_filter"), FUNCTION_CALL("function_call");

  private final String wire;

  FinishReason(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Reads OpenAI's value; a value some compatible provider invented ends the choice as {@code stop}. */
  public static FinishReason fromWire(String s) {
    for (FinishReason f : values()) {
      if (f.wire.equals(s)) return f;
    }
    return STOP;
  }
}
