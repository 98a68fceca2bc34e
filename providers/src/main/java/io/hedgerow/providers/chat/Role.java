package io.hedgerow.providers.chat;

import java.util.Optional;

/** The author of a chat message, as OpenAI names it. */
public enum Role {
  SYSTEM("system"), DEVELOPER("developer"), USER("user"), ASSISTANT("assistant"), TOOL("tool");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** Instructions for the model rather than conversation turns. */
  public boolean isInstruction() {
    return this == SYSTEM || this == DEVELOPER;
  }

  public static Optional<Role> fromWire(String s) {
    for (Role r : values()) {
      if (r.wire.equals(s)) return Optional.of(r);
    }
    return Optional.empty();
  }
}
