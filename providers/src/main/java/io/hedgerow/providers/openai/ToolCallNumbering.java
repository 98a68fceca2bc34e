package io.hedgerow.providers.openai;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The index each tool-call delta of one stream gets: the provider's own where it sends one; where it
 * omits {@code index}, a delta with an {@code id} starts the next call and one without continues the last.
 */
final class ToolCallNumbering {
  /** Per choice: {last tool index seen, next free tool index}. */
  private final Map<Integer, int[]> choices = new HashMap<>(2);

  int index(int choice, OptionalInt sent, boolean startsCall) {
    int[] s = choices.computeIfAbsent(choice, c -> new int[] {0, 0});
    if (sent.isPresent()) {
      s[0] = sent.getAsInt();
      s[1] = Math.max(s[1], s[0] + 1);
    } else if (startsCall) {
      s[0] = s[1]++;
    }
    return s[0];
  }
}
