#!/usr/bin/env bash
# Hedging benchmark: a heavy-tailed primary (95 % of first tokens near 100 ms, 5 % near 3 s) and a healthy
# fallback, both simulated; one gateway with three routes over them (hedging off, fixed 300 ms deadline,
# adaptive), each driven with the same open-model load of streamed chat completions. Prints client TTFT
# p50/p95/p99 (time to first content chunk, from each request's scheduled send time) and the extra
# upstream requests hedging cost, read from the simulator's counters.
#
#   load-tests/bench/hedging.sh                      # from the repository root (or anywhere)
#   RATE=20 DURATION=45 WARMUP=10 load-tests/bench/hedging.sh   # the defaults
#
# Everything listens on 127.0.0.1; every process it starts is stopped by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

RATE="${RATE:-20}"          # requests per second, per route
DURATION="${DURATION:-45}"  # measured seconds per route
WARMUP="${WARMUP:-10}"      # unmeasured seconds per route first (JIT; adaptive needs >= min-samples = 50)
TIMEOUT="${TIMEOUT:-30}"    # seconds one request may take
ROUTES=(off fixed adaptive)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hedgerow-bench.XXXXXX")"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done  # at most 10 s each
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK/app"
  echo "logs: $WORK" >&2
}
trap cleanup EXIT

# --- build if needed -------------------------------------------------------------------------------
JAR=router/target/hedgerow.jar
DRIVER=load-tests/target/test-classes/io/hedgerow/load/TtftLoadDriver.class
needs_build() {
  [[ -f "$JAR" && -f "$DRIVER" ]] && compgen -G "load-tests/target/bench-lib/HdrHistogram-*.jar" >/dev/null || return 0
  [[ -n "$(find providers/src router/src load-tests/src -newer "$JAR" -type f -print -quit)" ]]
}
BUILD="${BUILD:-auto}"      # auto: when an artifact is missing or older than a source; always; never
if [[ "$BUILD" == always ]] || { [[ "$BUILD" == auto ]] && needs_build; }; then
  echo "building (mvn -B -ntp -q -DskipTests package) ..." >&2
  mvn -B -ntp -q -DskipTests package
fi
# Run from a copy, so that a rebuild while the benchmark runs cannot pull jars from under the JVMs.
mkdir -p "$WORK/app"
cp -r router/target/lib "$JAR" "$WORK/app/"
cp -r load-tests/target/test-classes load-tests/target/bench-lib "$WORK/app/"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL SECONDS: until URL answers 200, or fail.
wait_http() {
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if (( SECONDS >= deadline )); then echo "no answer from $url after $2 s; logs in $WORK" >&2; return 1; fi
    sleep 0.5
  done
}

PRIMARY_PORT="$(free_port)"; FALLBACK_PORT="$(free_port)"; GATEWAY_PORT="$(free_port)"

# --- the simulated upstreams -----------------------------------------------------------------------
cat >"$WORK/sims.conf" <<CONF
hedgerow.sim.instances = [
  { name = "primary", port = $PRIMARY_PORT, seed = 1,
    ttft { p50 = 100ms, p99 = 150ms, tail { probability = 0.05, p50 = 3s, p99 = 3.2s } } }
  { name = "fallback", port = $FALLBACK_PORT, seed = 2, ttft { p50 = 100ms, p99 = 150ms } }
]
CONF
java -cp "$WORK/app/lib/*" io.hedgerow.providers.sim.SimMain "$WORK/sims.conf" >"$WORK/sim.log" 2>&1 &
PIDS+=($!)

# --- the gateway -----------------------------------------------------------------------------------
# Each route gets its own pair of provider entries (pointing at the same two simulator instances), so
# one route's TTFT history cannot set another route's adaptive deadline.
{
  echo "hedgerow {"
  echo "  http { interface = \"127.0.0.1\", port = $GATEWAY_PORT }"
  echo "  metrics.enabled = off"
  for r in "${ROUTES[@]}"; do
    echo "  providers.primary-$r { kind = vllm, base-url = \"http://127.0.0.1:$PRIMARY_PORT/v1\" }"
    echo "  providers.fallback-$r { kind = vllm, base-url = \"http://127.0.0.1:$FALLBACK_PORT/v1\" }"
    echo "  models.primary-$r-model { provider = primary-$r, upstream-model = \"sim-primary\" }"
    echo "  models.fallback-$r-model { provider = fallback-$r, upstream-model = \"sim-fallback\" }"
  done
  echo "  routes.off { targets = [primary-off-model, fallback-off-model], hedging { enabled = false, budget-percent = 10 } }"
  echo "  routes.fixed { targets = [primary-fixed-model, fallback-fixed-model], hedging { first-token-deadline = 300ms, budget-percent = 10 } }"
  echo "  routes.adaptive { targets = [primary-adaptive-model, fallback-adaptive-model], hedging { first-token-deadline = adaptive, budget-percent = 10 } }"
  echo "}"
} >"$WORK/gateway.conf"
HEDGEROW_ACCESS_LOG=OFF java -jar "$WORK/app/hedgerow.jar" "$WORK/gateway.conf" >"$WORK/gateway.log" 2>&1 &
PIDS+=($!)

wait_http "http://127.0.0.1:$PRIMARY_PORT/_sim/counters" 60
wait_http "http://127.0.0.1:$FALLBACK_PORT/_sim/counters" 60
wait_http "http://127.0.0.1:$GATEWAY_PORT/ready" 60

received() {
  curl -fsS --max-time 5 "http://127.0.0.1:$1/_sim/counters" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["requestsReceived"])'
}

drive() {  # drive ROUTE SECONDS: one open-model run; prints the driver's RESULT line
  timeout $(( $2 + TIMEOUT + 30 )) java -Dgateway.baseUrl="http://127.0.0.1:$GATEWAY_PORT" -Dmodel="$1" \
    -Drate="$RATE" -Dduration="$2" -Dtimeout="$TIMEOUT" \
    -cp "$WORK/app/test-classes:$WORK/app/bench-lib/*" io.hedgerow.load.TtftLoadDriver \
    2>>"$WORK/driver.log" | tee -a "$WORK/driver.log" | grep '^RESULT'
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

declare -A RESULT EXTRA
for r in "${ROUTES[@]}"; do
  echo "route $r: ${WARMUP}s warm-up, then ${DURATION}s at $RATE requests/s ..." >&2
  drive "$r" "$WARMUP" >/dev/null || echo "warm-up of $r had failures (see $WORK/driver.log)" >&2
  before=$(( $(received "$PRIMARY_PORT") + $(received "$FALLBACK_PORT") ))
  RESULT[$r]="$(drive "$r" "$DURATION")" || echo "route $r had failures (see $WORK/driver.log)" >&2
  sleep 1  # hedge losers' requests were counted on arrival; this only lets stragglers land
  after=$(( $(received "$PRIMARY_PORT") + $(received "$FALLBACK_PORT") ))
  curl -fsS --max-time 5 "http://127.0.0.1:$GATEWAY_PORT/admin/providers" >"$WORK/providers-$r.json" || true
  requests="$(field requests "${RESULT[$r]}")"
  EXTRA[$r]="$(python3 -c "print(f'{100.0 * ($after - $before - $requests) / $requests:.1f}')")"
  echo "  ${RESULT[$r]} upstream=$((after - before))" >&2
done

OFF_P99="$(field p99_ms "${RESULT[off]}")"
printf '\n| route | client requests | TTFT p50 | p95 | p99 | extra upstream %% | p99 ratio vs off |\n'
printf '|---|---|---|---|---|---|---|\n'
for r in "${ROUTES[@]}"; do
  res="${RESULT[$r]}"
  python3 - "$r" "$res" "${EXTRA[$r]}" "$OFF_P99" <<'PY'
import sys
route, res, extra, off_p99 = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
f = dict(kv.split("=", 1) for kv in res.split()[1:])
p99 = float(f["p99_ms"])
failed = f" ({f['failed']} failed)" if f["failed"] != "0" else ""
print(f"| {route} | {f['requests']}{failed} | {float(f['p50_ms']):.0f} ms | {float(f['p95_ms']):.0f} ms "
      f"| {p99:.0f} ms | {extra} % | {off_p99 / p99:.1f}× |")
PY
done
