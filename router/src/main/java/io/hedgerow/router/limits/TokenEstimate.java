package io.hedgerow.router.limits;

/** A request's tokens as estimated at admission: its prompt, and the most output it may ask for. */
public record TokenEstimate(int promptTokens, int maxOutputTokens) {
  /** What a tokens-per-minute bucket reserves for it until the provider reports the real usage. */
  public int total() {
    return (int) Math.min(Integer.MAX_VALUE, (long) promptTokens + maxOutputTokens);
  }
}
