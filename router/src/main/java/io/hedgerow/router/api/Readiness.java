package io.hedgerow.router.api;

import java.util.concurrent.atomic.AtomicReference;

/** Whether the gateway should receive traffic: starting, ready once bound and configured, draining at shutdown. */
public final class Readiness {
  public enum State { STARTING, READY, DRAINING }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

  public State state() {
    return state.get();
  }

  public void set(State s) {
    state.set(s);
  }
}
