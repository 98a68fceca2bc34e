package io.hedgerow.router.stream;

/** Ends an attempt that another attempt of the same request beat to the first token. */
public final class HedgeLost extends RuntimeException {
  public static final HedgeLost INSTANCE = new HedgeLost();

  private HedgeLost() {
    super("another attempt produced the first token", null, false, false);
  }
}
