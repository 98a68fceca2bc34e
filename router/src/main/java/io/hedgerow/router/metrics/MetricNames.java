package io.hedgerow.router.metrics;

/** The names of Hedgerow's Kamon metrics (Prometheus turns dots and dashes into underscores). */
public final class MetricNames {
  private MetricNames() {}

  /** Attempts that ended, tagged provider, model, outcome (succeeded, failed, cancelled, hedge_lost). */
  public static final String REQUESTS = "hedgerow.requests";
  /** Failed attempts, tagged provider, model, class. */
  public static final String ERRORS = "hedgerow.errors";
  /** Whole-attempt latency of succeeded attempts, tagged provider, model. */
  public static final String LATENCY = "hedgerow.latency";
  /** Time to first token, tagged provider, model. */
  public static final String TTFT = "hedgerow.ttft";
  public static final String TOKENS_IN = "hedgerow.tokens.in";
  public static final String TOKENS_OUT = "hedgerow.tokens.out";
  /** Admissions refused, tagged provider, model, reason (capacity, rate_limited, circuit_open, …). */
  public static final String RATE_LIMIT_REJECTIONS = "hedgerow.rate-limit.rejections";
  /** How long granted requests waited in a provider's queue, tagged provider, model. */
  public static final String QUEUE_WAIT = "hedgerow.queue.wait";
  /** 0 closed, 1 half-open, 2 open; tagged provider. */
  public static final String CIRCUIT_STATE = "hedgerow.circuit.state";
  /** Attempts holding a permit; tagged provider. */
  public static final String IN_FLIGHT = "hedgerow.in-flight";
  public static final String HEDGE_STARTED = "hedgerow.hedge.started";
  public static final String HEDGE_WON = "hedgerow.hedge.won";
  public static final String HEDGE_DENIED = "hedgerow.hedge.denied";
  /** Estimated prompt tokens of attempts that lost a hedge race and were cancelled. */
  public static final String HEDGE_WASTE_TOKENS = "hedgerow.hedge.waste-tokens";
}
