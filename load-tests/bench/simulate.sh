#!/usr/bin/env bash
# Runs one Gatling simulation against a gateway and simulated upstreams that this script starts, each in
# its own JVM on 127.0.0.1 (sims.conf, gateway.conf), and stops by PID when it ends. Extra arguments are
# passed to Maven, so simulation parameters are system properties:
#
#   load-tests/bench/simulate.sh plain     [-Drate=50 -Dduration=30]
#   load-tests/bench/simulate.sh streaming [-Drate=20 -Dduration=30 -Dtokens=16]
#   load-tests/bench/simulate.sh failover  [-Drate=20 -Dduration=30]
#   load-tests/bench/simulate.sh hedging   [-Drate=20 -Dduration=30]   # streaming on the heavy-tailed route
#   load-tests/bench/simulate.sh ramp      [-Dfrom=50 -Dstep=50 -Dlevels=10 -Dlevel=10]
#   load-tests/bench/simulate.sh smoke     [-Drate=20 -Dduration=10]   # plain and streamed together (CI)
#
# With BASE_URL set, nothing is started and the simulation runs against that gateway instead.
# The HTML report is written under load-tests/target/gatling/. Exit status: Gatling's (non-zero when an
# assertion, such as zero KO, failed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

case "${1:-}" in
  plain)     SIM=PlainChatSimulation;     MODEL=chat ;;
  streaming) SIM=StreamingChatSimulation; MODEL=chat ;;
  failover)  SIM=FailoverSimulation;      MODEL=failover ;;
  hedging)   SIM=StreamingChatSimulation; MODEL=hedged ;;
  ramp)      SIM=RampSimulation;          MODEL=chat ;;
  smoke)     SIM=SmokeSimulation;         MODEL=chat ;;
  *) echo "usage: $0 plain|streaming|failover|hedging|ramp|smoke [-Dname=value ...]" >&2; exit 2 ;;
esac
shift
RUN_LIMIT="${RUN_LIMIT:-900}"   # seconds the Gatling run may take, at most

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hedgerow-gatling.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  if [[ -n "${MVN_PGID:-}" ]]; then kill -TERM -- "-$MVN_PGID" 2>/dev/null || true; fi  # mvn and its forked Gatling JVM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done  # at most 10 s each
    kill -KILL "$pid" 2>/dev/null || true
  done
  echo "logs: $WORK" >&2
}
trap cleanup EXIT

wait_http() {  # wait_http URL SECONDS
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if (( SECONDS >= deadline )); then echo "no answer from $url after $2 s; logs in $WORK" >&2; return 1; fi
    sleep 0.5
  done
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

if [[ -z "${BASE_URL:-}" ]]; then
  if [[ ! -f router/target/hedgerow.jar || ! -d router/target/lib ]]; then
    echo "building (mvn -B -ntp -q -DskipTests package) ..." >&2
    mvn -B -ntp -q -DskipTests package
  fi
  # A private copy, so a rebuild of router/target during the run cannot pull classes from under the JVMs.
  mkdir -p "$WORK/app" && cp -r router/target/hedgerow.jar router/target/lib "$WORK/app/"
  export SIM_FAST_PORT="$(free_port)" SIM_DEAD_PORT="$(free_port)" SIM_FLAKY_PORT="$(free_port)" \
    SIM_TAIL_PORT="$(free_port)" GATEWAY_PORT="$(free_port)"
  java -cp "$WORK/app/lib/*" io.hedgerow.providers.sim.SimMain load-tests/bench/sims.conf >"$WORK/sim.log" 2>&1 &
  PIDS+=($!)
  HEDGEROW_ACCESS_LOG=OFF java -jar "$WORK/app/hedgerow.jar" load-tests/bench/gateway.conf >"$WORK/gateway.log" 2>&1 &
  PIDS+=($!)
  for p in "$SIM_FAST_PORT" "$SIM_FLAKY_PORT" "$SIM_TAIL_PORT"; do wait_http "http://127.0.0.1:$p/_sim/counters" 60; done
  wait_http "http://127.0.0.1:$GATEWAY_PORT/ready" 60
  BASE_URL="http://127.0.0.1:$GATEWAY_PORT"
fi

echo "running $SIM (model $MODEL) against $BASE_URL ..." >&2
# -Dmodel comes first so an explicit -Dmodel=... among the arguments wins.
# Its own process group, so the cleanup stops Maven and the Gatling JVM it forks together.
setsid mvn -B -ntp -pl load-tests gatling:test -Dsimulation="io.hedgerow.load.$SIM" \
  -Dmodel="$MODEL" -Dgateway.baseUrl="$BASE_URL" "$@" &
MVN_PGID=$!
deadline=$((SECONDS + RUN_LIMIT))
while kill -0 "$MVN_PGID" 2>/dev/null; do
  if (( SECONDS >= deadline )); then echo "gave up after $RUN_LIMIT s" >&2; exit 124; fi
  sleep 1
done
status=0; wait "$MVN_PGID" || status=$?
MVN_PGID=
exit "$status"
