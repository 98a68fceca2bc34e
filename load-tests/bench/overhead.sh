#!/usr/bin/env bash
# Overhead benchmark: what one Hedgerow hop costs compared with no hop and with a bare nginx reverse proxy
# (the floor for one proxy hop), for plain JSON and for SSE streams, in one run and interleaved.
#
#   (a) direct:   driver -> origin nginx (fixed chat.completion / fixed SSE body, no application logic)
#   (b) nginx:    driver -> nginx reverse proxy (keep-alive upstream) -> origin
#   (c) Hedgerow: driver -> gateway (openai provider, plain model alias: no hedging) -> origin
#
# Measures requests per second at saturation (closed loop), latency p50/p99 at fixed rates with an open-model
# driver that corrects for coordinated omission (OverheadDriver; its connections are opened and answer one
# request before the schedule starts, and that first request is reported on its own row), latency added
# versus direct, TTFC for streams, and CPU time per request of the proxy (nginx master+workers, or the
# gateway JVM) from /proc/<pid>/stat utime+stime around the saturation runs. Prints one markdown table,
# and the hypervisor's steal during the measurements.
#
#   load-tests/bench/overhead.sh
#   RATES="500 2000" STREAM_RATE=500 ROUNDS=3 SECONDS_RATE=6 SECONDS_SAT=8 PROFILE=1 load-tests/bench/overhead.sh
#   GATEWAY_JAVA_OPTS=-Dpekko.actor.default-dispatcher.event-loop-executor.busy-poll=2ms load-tests/bench/overhead.sh
#
# The fixed rates run ROUNDS times, the three targets in turn each round, and their percentiles are those of
# all the rounds' requests together: a VM's hiccups land on every target alike, not on whichever one was
# running at the time. The table's note gives each round's p99 too.
#
# COMPARE_JAVA_OPTS="..." runs a second gateway, the same jar with those JVM options (e.g.
# -Dpekko.actor.default-dispatcher.event-loop-executor.busy-poll=2ms), as a fourth target measured in turn
# with the others in every round and at saturation, and prints a second table of it against the first:
# an A/B of a setting within one run.
#
# PROFILE=1 records JFR on the gateway during the plain-JSON saturation run and prints its hottest top
# frames. FLOOR=1 also measures plain-JSON saturation through (d) Pekko HTTP's server answering by itself
# and (e) a bare Pekko HTTP proxy (server + pooled client, no gateway logic): the floor of the stack. Needs nginx (apt-get install -y nginx-light) and a built gateway (mvn -DskipTests package).
# Everything listens on 127.0.0.1; every process it starts is stopped by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

RATES="${RATES:-500 2000}"        # fixed rates for plain JSON, requests/s
STREAM_RATE="${STREAM_RATE:-500}" # fixed rate for streams
ROUNDS="${ROUNDS:-3}"             # fixed-rate rounds, the targets interleaved
SECONDS_RATE="${SECONDS_RATE:-6}"  # per target, per rate, per round
SECONDS_SAT="${SECONDS_SAT:-8}"
WARMUP="${WARMUP:-30}"            # gateway warm-up, seconds (open loop at 200/s, then 4 connections JSON and SSE) ...
WARMUP_MAX="${WARMUP_MAX:-180}"   # ... then saturation bursts until the JIT settles, at most this long
CONNS_SAT="${CONNS_SAT:-32}"
CONNS_RATE="${CONNS_RATE:-32}"
NGINX_WORKERS="${NGINX_WORKERS:-2}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
COMPARE_JAVA_OPTS="${COMPARE_JAVA_OPTS:-}"  # non-empty: a second gateway with these options, "hedgerow-b"
ACCESS_LOG="${ACCESS_LOG:-INFO}"  # the gateway's access log as shipped; OFF to silence it
METRICS="${METRICS:-on}"          # Kamon metrics as shipped; off to measure without them
PROFILE="${PROFILE:-0}"
FLOOR="${FLOOR:-0}"

command -v nginx >/dev/null || { echo "nginx not found: apt-get install -y nginx-light" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hedgerow-overhead.XXXXXX")"
chmod 755 "$WORK"; mkdir -p "$WORK/tmp"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done  # at most 10 s each
    kill -KILL "$pid" 2>/dev/null || true
  done
  echo "logs: $WORK" >&2
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_http() {  # wait_http URL SECONDS [curl args]: until URL answers 200, or fail
  local url="$1" deadline=$((SECONDS + $2)); shift 2
  until curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; do
    if (( SECONDS >= deadline )); then echo "no answer from $url; logs in $WORK" >&2; return 1; fi
    sleep 0.3
  done
}

# --- build (gateway jar, driver) into a private copy -------------------------------------------------
if [[ ! -f router/target/hedgerow.jar || ! -d router/target/lib ]]; then
  echo "building (mvn -B -ntp -q -DskipTests package) ..." >&2
  mvn -B -ntp -q -DskipTests package
fi
mkdir -p "$WORK/app" && cp -r router/target/hedgerow.jar router/target/lib "$WORK/app/"
HDR="$(ls load-tests/target/bench-lib/HdrHistogram-*.jar 2>/dev/null | head -1 || true)"
[[ -n "$HDR" ]] || HDR="$(ls "$HOME"/.m2/repository/org/hdrhistogram/HdrHistogram/*/HdrHistogram-*.jar | grep -v sources | tail -1)"
mkdir -p "$WORK/driver"
javac -d "$WORK/driver" -cp "$HDR" load-tests/src/test/java/io/hedgerow/load/OverheadDriver.java
[[ "$FLOOR" == 1 ]] && javac -d "$WORK/driver" -cp "$WORK/app/lib/*" load-tests/src/test/java/io/hedgerow/load/PekkoFloor.java

# --- origin nginx, proxy nginx, gateway ----------------------------------------------------------------
O_JSON="$(free_port)"; O_SSE="$(free_port)"; P_JSON="$(free_port)"; P_SSE="$(free_port)"
G_PORT="$(free_port)"; M_PORT="$(free_port)"
fill() { sed -e "s#@WORK@#$WORK#g" -e "s#@JSON_PORT@#$2#g" -e "s#@SSE_PORT@#$3#g" \
  -e "s#@ORIGIN_JSON_PORT@#$O_JSON#g" -e "s#@ORIGIN_SSE_PORT@#$O_SSE#g" -e "s#@WORKERS@#$NGINX_WORKERS#g" "$1"; }
fill load-tests/bench/nginx-origin.conf.template "$O_JSON" "$O_SSE" >"$WORK/origin.conf"
fill load-tests/bench/nginx-proxy.conf.template "$P_JSON" "$P_SSE" >"$WORK/proxy.conf"
nginx -p "$WORK" -c "$WORK/origin.conf" >"$WORK/origin.out" 2>&1 &
PIDS+=($!)
nginx -p "$WORK" -c "$WORK/proxy.conf" >"$WORK/proxy.out" 2>&1 &
PROXY_PID=$!; PIDS+=($PROXY_PID)

cat >"$WORK/gateway.conf" <<CONF
hedgerow {
  http { interface = "127.0.0.1", port = $G_PORT }
  metrics { enabled = $METRICS, interface = "127.0.0.1", port = $M_PORT }
  providers {
    origin-json { kind = openai, base-url = "http://127.0.0.1:$O_JSON/v1" }
    origin-sse  { kind = openai, base-url = "http://127.0.0.1:$O_SSE/v1" }
  }
  # Plain model aliases: no route, so no hedging (a hedged route would read plain requests as streams).
  models {
    bench-json { provider = origin-json, upstream-model = "bench" }
    bench-sse  { provider = origin-sse,  upstream-model = "bench" }
  }
}
CONF
# shellcheck disable=SC2086
HEDGEROW_ACCESS_LOG="$ACCESS_LOG" OPENAI_API_KEY=unused java -Xlog:gc:file="$WORK/gateway-gc.log":uptime $GATEWAY_JAVA_OPTS \
  -jar "$WORK/app/hedgerow.jar" \
  "$WORK/gateway.conf" >"$WORK/gateway.log" 2>&1 &
GW_PID=$!; PIDS+=($GW_PID)
GATEWAYS="hedgerow"
if [[ -n "$COMPARE_JAVA_OPTS" ]]; then
  G2_PORT="$(free_port)"; M2_PORT="$(free_port)"
  sed -e "s/port = $G_PORT /port = $G2_PORT /" -e "s/port = $M_PORT /port = $M2_PORT /" "$WORK/gateway.conf" >"$WORK/gateway-b.conf"
  # shellcheck disable=SC2086
  HEDGEROW_ACCESS_LOG="$ACCESS_LOG" OPENAI_API_KEY=unused java -Xlog:gc:file="$WORK/gateway-b-gc.log":uptime \
    $GATEWAY_JAVA_OPTS $COMPARE_JAVA_OPTS -jar "$WORK/app/hedgerow.jar" "$WORK/gateway-b.conf" >"$WORK/gateway-b.log" 2>&1 &
  GW2_PID=$!; PIDS+=($GW2_PID)
  GATEWAYS="hedgerow hedgerow-b"
fi
TARGETS="direct nginx $GATEWAYS"
gateway_pid() { [[ "$1" == hedgerow-b ]] && echo "$GW2_PID" || echo "$GW_PID"; }

if [[ "$FLOOR" == 1 ]]; then
  F_SERVER="$(free_port)"; F_PROXY="$(free_port)"
  java -cp "$WORK/driver:$WORK/app/lib/*" io.hedgerow.load.PekkoFloor server "$F_SERVER" >"$WORK/floor-server.log" 2>&1 &
  FLOOR_SERVER_PID=$!; PIDS+=($FLOOR_SERVER_PID)
  java -Dpekko.http.host-connection-pool.max-connections=512 -Dpekko.http.host-connection-pool.max-open-requests=4096 \
    -cp "$WORK/driver:$WORK/app/lib/*" io.hedgerow.load.PekkoFloor proxy "$F_PROXY" \
    "http://127.0.0.1:$O_JSON/v1/chat/completions" >"$WORK/floor-proxy.log" 2>&1 &
  FLOOR_PROXY_PID=$!; PIDS+=($FLOOR_PROXY_PID)
fi

JSON_BODY='{"model":"bench-json","messages":[{"role":"user","content":"Say hello."}]}'
SSE_BODY='{"model":"bench-sse","stream":true,"messages":[{"role":"user","content":"Say hello."}]}'
wait_http "http://127.0.0.1:$O_JSON/v1/chat/completions" 20 -d "$JSON_BODY"
wait_http "http://127.0.0.1:$P_JSON/v1/chat/completions" 20 -d "$JSON_BODY"
for port in $G_PORT ${G2_PORT:-}; do
  wait_http "http://127.0.0.1:$port/ready" 90
  curl -fsS --max-time 5 "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
    -d "$JSON_BODY" >/dev/null
  curl -fsS --max-time 5 -N "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
    -d "$SSE_BODY" | grep -q '\[DONE\]' || { echo "gateway stream check failed" >&2; exit 1; }
done

url() {  # url TARGET KIND
  case "$1:$2" in
    direct:json) echo "http://127.0.0.1:$O_JSON/v1/chat/completions" ;;
    direct:sse)  echo "http://127.0.0.1:$O_SSE/v1/chat/completions" ;;
    nginx:json)  echo "http://127.0.0.1:$P_JSON/v1/chat/completions" ;;
    nginx:sse)   echo "http://127.0.0.1:$P_SSE/v1/chat/completions" ;;
    hedgerow:*)  echo "http://127.0.0.1:$G_PORT/v1/chat/completions" ;;
    hedgerow-b:*) echo "http://127.0.0.1:$G2_PORT/v1/chat/completions" ;;
    pekko:json)  echo "http://127.0.0.1:$F_SERVER/v1/chat/completions" ;;
    pekko-proxy:json) echo "http://127.0.0.1:$F_PROXY/v1/chat/completions" ;;
  esac
}
# drive TARGET KIND MODE RATE SECONDS CONNS: prints the driver's RESULT line
drive() {
  local body="$JSON_BODY" stream=false
  [[ "$2" == sse ]] && { body="$SSE_BODY"; stream=true; }
  timeout $(( $5 + 45 )) java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$WORK/driver:$HDR" \
    -Durl="$(url "$1" "$2")" -Dbody="$body" -Dstream="$stream" -Dmode="$3" -Drate="$4" -Dduration="$5" \
    -Dconnections="$6" ${TRACE:+-Dtrace="$TRACE"} io.hedgerow.load.OverheadDriver 2>>"$WORK/driver.err" | grep '^RESULT' \
    || echo "RESULT requests=0 errors=1 unsent=0 rps=0 p50_us=0 p99_us=0 p999_us=0 max_us=0 ttfc_p50_us=0 ttfc_p99_us=0 first_p50_us=0 first_max_us=0"
}
ticks() {  # ticks PID...: utime+stime of the processes, in clock ticks
  local t=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    t=$(( t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat") ))
  done
  echo "$t"
}
proxy_pids() { echo "$PROXY_PID $(pgrep -P "$PROXY_PID" | tr '\n' ' ')"; }

RESULTS="$WORK/results.txt"; : >"$RESULTS"
record() { echo "$1 $2" >>"$RESULTS"; echo "  $1 $2" >&2; }
# On a VM the hypervisor may run other guests on this one's cores ("steal" in /proc/stat): a run that loses
# a tenth of its CPU that way measures the neighbours. Each measurement records its share.
cpu_times() { awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
steal_pct() {  # steal_pct "STEAL TOTAL" "STEAL TOTAL": percent of the CPU time between the two stolen
  python3 -c "import sys; s0, t0, s1, t1 = map(int, sys.argv[1:]); print(f'{100 * (s1 - s0) / max(t1 - t0, 1):.1f}')" $1 $2
}
target_pids() {  # target_pids TARGET: the processes whose CPU time is the target's (none for direct)
  case "$1" in
    nginx) proxy_pids ;; hedgerow*) gateway_pid "$1" ;;
    pekko) echo "$FLOOR_SERVER_PID" ;; pekko-proxy) echo "$FLOOR_PROXY_PID" ;;
  esac
}
measure() {  # measure KEY TARGET KIND MODE RATE SECONDS CONNS [TRACE]: drives, records the result with its steal
  # share and the proxy's CPU time (from the driver's start to its end, so its start-up is in it)
  local before after res pids ticks_before; before="$(cpu_times)"
  pids="$(target_pids "$2")"
  # shellcheck disable=SC2086
  ticks_before="$(ticks $pids)"
  res="$(TRACE="${8:-}" drive "$2" "$3" "$4" "$5" "$6" "$7")"
  after="$(cpu_times)"
  # shellcheck disable=SC2086
  record "$1" "$res cpu_ticks=$(( $(ticks $pids) - ticks_before )) steal_pct=$(steal_pct "$before" "$after")"
}

# The gateway is measured warm: first WARMUP seconds of mixed load, then saturation bursts (JSON and SSE in
# turn) until the JIT compiler has settled (a burst of each kind adds under 0.25 s of compile time), at
# most WARMUP_MAX seconds. On 2 busy cores C2 keeps compiling for a minute or more; measuring before it
# settles charges compile time to every request.
jit_seconds() { jstat -compiler "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
for gw in $GATEWAYS; do
  pid="$(gateway_pid "$gw")"
  echo "warm-up: $gw ${WARMUP}s, then until its JIT settles (at most ${WARMUP_MAX}s) ..." >&2
  drive "$gw" json rate 200 $(( WARMUP / 3 )) "$CONNS_RATE" >/dev/null
  drive "$gw" json sat 0 $(( WARMUP / 3 )) 4 >/dev/null
  drive "$gw" sse sat 0 $(( WARMUP / 3 )) 4 >/dev/null
  warm_until=$(( SECONDS + WARMUP_MAX )); quiet=0; kind=json
  while (( quiet < 2 && SECONDS < warm_until )); do
    before="$(jit_seconds "$pid")"
    drive "$gw" "$kind" sat 0 5 "$CONNS_SAT" >/dev/null
    after="$(jit_seconds "$pid")"
    if python3 -c "import sys; sys.exit(0 if float('${after:-0}') - float('${before:-0}') < 0.25 else 1)"; then
      quiet=$(( quiet + 1 ))
    else
      quiet=0
    fi
    [[ "$kind" == json ]] && kind=sse || kind=json
  done
  (( quiet >= 2 )) || echo "  the JIT was still compiling after ${WARMUP_MAX}s; measuring anyway" >&2
  echo "  $gw JIT compile time so far: $(jit_seconds "$pid") s" >&2
done
drive nginx json sat 0 2 "$CONNS_SAT" >/dev/null
UPTIME_AT_START="$(awk '{ print $1 }' /proc/uptime)"
since_start_of() {  # since_start_of PID: seconds from the JVM's start to the measurements' start (its GC log's clock)
  python3 -c "print(${UPTIME_AT_START} - $(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat") / $(getconf CLK_TCK))"
}
MEASURED_FROM="$(since_start_of "$GW_PID")"
[[ -n "$COMPARE_JAVA_OPTS" ]] && MEASURED_FROM_B="$(since_start_of "$GW2_PID")"

# The machine's own floor: how late a sleeping thread wakes, with nothing else running.
WAKEUPS="$(timeout 30 java -XX:+UseSerialGC -cp "$WORK/driver:$HDR" -Dmode=wakeup -Dduration=5 io.hedgerow.load.OverheadDriver | grep '^RESULT' || true)"
echo "  machine: $WAKEUPS" >&2
CELLS="$(for rate in $RATES; do echo "json:$rate"; done) sse:$STREAM_RATE"  # KIND:RATE, measured in this order
for round in $(seq 1 "$ROUNDS"); do
  for cell in $CELLS; do
    kind="${cell%%:*}"; rate="${cell#*:}"
    echo "round $round of $ROUNDS: $kind at $rate requests/s (${SECONDS_RATE}s each) ..." >&2
    for target in $TARGETS; do
      measure "rate$rate:$kind:$target#$round" "$target" "$kind" rate "$rate" "$SECONDS_RATE" "$CONNS_RATE" \
        "$WORK/trace-rate$rate-$kind-$target-$round.txt"
    done
  done
done

echo "saturation (${SECONDS_SAT}s each, $CONNS_SAT connections) ..." >&2
KINDS="json sse"
if [[ "$FLOOR" == 1 ]]; then
  KINDS="json sse floor"
fi
for kind in $KINDS; do
  if [[ "$kind" == floor ]]; then
    # last, so that their JIT compiling does not disturb the other measurements
    echo "the Pekko HTTP floor: warm-up 60 s each, then saturation ..." >&2
    wait_http "$(url pekko json)" 30 -d "$JSON_BODY"; wait_http "$(url pekko-proxy json)" 30 -d "$JSON_BODY"
    drive pekko json sat 0 60 "$CONNS_SAT" >/dev/null
    drive pekko-proxy json sat 0 60 "$CONNS_SAT" >/dev/null
  fi
  targets="$TARGETS"
  [[ "$kind" == floor ]] && targets="pekko pekko-proxy"
  for target in $targets; do
    if [[ "$PROFILE" == 1 && "$target:$kind" == hedgerow:json ]]; then
      jcmd "$GW_PID" JFR.start name=bench settings=profile filename="$WORK/gateway.jfr" >/dev/null
    fi
    measure "sat:${kind/floor/json}:$target" "$target" "${kind/floor/json}" sat 0 "$SECONDS_SAT" "$CONNS_SAT"
    if [[ "$PROFILE" == 1 && "$target:$kind" == hedgerow:json ]]; then
      jcmd "$GW_PID" JFR.stop name=bench >/dev/null
    fi
  done
done

python3 - "$RESULTS" "$(getconf CLK_TCK)" "$RATES" "$STREAM_RATE" "$CONNS_RATE" "$WORK" "$WAKEUPS" <<'PY'
import glob, math, sys
path, hz, rates, stream_rate, conns_rate, work = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4], sys.argv[5], sys.argv[6]
wakeups = dict(kv.split("=") for kv in sys.argv[7].split()[1:]) if sys.argv[7].startswith("RESULT") else {}
R, rounds = {}, {}
for line in open(path):
    key, rest = line.split(" ", 1)
    values = {k: float(v) for k, v in (kv.split("=") for kv in rest.split()[1:])}
    if "#" in key:
        key = key.split("#")[0]
        rounds.setdefault(key, []).append(values)
    else:
        R[key] = values
def cpu_us(r):  # the proxy's CPU time per request of a measurement, µs
    return r["cpu_ticks"] / hz / max(r["requests"], 1) * 1e6
def at(sorted_values, p):  # the value at percentile p, as HdrHistogram reports it
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)] if sorted_values else 0
# A fixed-rate cell pools its rounds: counts add up, percentiles are those of all the rounds' requests.
for key, runs in rounds.items():
    rate, kind, target = key.split(":")
    lat, ttfc = [], []
    for f in sorted(glob.glob(f"{work}/trace-{rate}-{kind}-{target}-[0-9]*.txt")):
        for line in list(open(f))[1:]:
            _, l, t, _ = line.split()
            lat.append(int(l)); ttfc.append(int(t))
    lat.sort(); ttfc.sort()
    R[key] = {"requests": sum(r["requests"] for r in runs), "errors": sum(r["errors"] for r in runs),
              "cpu_ticks": sum(r.get("cpu_ticks", 0) for r in runs),
              "unsent": sum(r.get("unsent", 0) for r in runs),
              "p50_us": at(lat, 50), "p99_us": at(lat, 99), "ttfc_p50_us": at(ttfc, 50), "ttfc_p99_us": at(ttfc, 99),
              "first_p50_us": sorted(r["first_p50_us"] for r in runs)[len(runs) // 2],
              "first_max_us": max(r["first_max_us"] for r in runs),
              "round_p99_us": [r["ttfc_p99_us" if kind == "sse" else "p99_us"] for r in runs],
              "steal_pct": max(r["steal_pct"] for r in runs)}
def ms(us): return f"{us / 1000:.2f} ms"
def met(ok): return "yes" if ok else "**no**"
rows = []
for kind, label in (("json", "plain JSON"), ("sse", "SSE stream")):
    d, n, g = (R[f"sat:{kind}:{t}"] for t in ("direct", "nginx", "hedgerow"))
    ratio = g["rps"] / n["rps"]
    rows.append((f"{label}: requests/s at saturation", f"{d['rps']:.0f}", f"{n['rps']:.0f}", f"{g['rps']:.0f}",
                 f"{n['rps'] / d['rps']:.2f}× direct", f"{ratio:.2f}× nginx",
                 "≥ 0.5× nginx" if kind == "json" else "", met(ratio >= 0.5) if kind == "json" else ""))
    if n["requests"] == 0 or g["requests"] == 0 or d["requests"] == 0: continue
    cn, cg = cpu_us(n), cpu_us(g)
    rows.append((f"{label}: proxy CPU per request", "", f"{cn:.0f} µs", f"{cg:.0f} µs", "", f"{cg / cn:.1f}× nginx",
                 "≤ 4× nginx" if kind == "json" else "", met(cg / cn <= 4) if kind == "json" else ""))
for rate in rates:
    d, n, g = (R[f"rate{rate}:json:{t}"] for t in ("direct", "nginx", "hedgerow"))
    for p, target in (("p50", 0.3), ("p99", 1.0)):
        k = f"{p}_us"; added = (g[k] - d[k]) / 1000
        rows.append((f"plain JSON at {rate}/s: latency {p}", ms(d[k]), ms(n[k]), ms(g[k]),
                     f"{(n[k] - d[k]) / 1000:+.2f} ms", f"{added:+.2f} ms", f"≤ +{target} ms",
                     met(added <= target and g["requests"] > 0 and not g["errors"] and not g.get("unsent", 0))))
    rows.append((f"plain JSON at {rate}/s: proxy CPU per request (start-up of each run included)", "", f"{cpu_us(n):.0f} µs",
                 f"{cpu_us(g):.0f} µs", "", f"{cpu_us(g) / max(cpu_us(n), 1e-9):.1f}× nginx", "", ""))
    rows.append((f"plain JSON at {rate}/s: first request on a new connection ({conns_rate} opened at once), p50 / max",
                 f"{ms(d['first_p50_us'])} / {ms(d['first_max_us'])}", f"{ms(n['first_p50_us'])} / {ms(n['first_max_us'])}",
                 f"{ms(g['first_p50_us'])} / {ms(g['first_max_us'])}", "", "", "", ""))
    bad = lambda r: r["errors"] + r.get("unsent", 0)
    if bad(d) + bad(n) + bad(g):
        rows.append((f"plain JSON at {rate}/s: failed or unsent", f"{bad(d):.0f}", f"{bad(n):.0f}", f"{bad(g):.0f}", "", "", "0", met(False)))
d, n, g = (R[f"rate{stream_rate}:sse:{t}"] for t in ("direct", "nginx", "hedgerow"))
for p in ("p50", "p99"):
    k = f"ttfc_{p}_us"; added = (g[k] - d[k]) / 1000
    rows.append((f"SSE at {stream_rate}/s: TTFC {p}", ms(d[k]), ms(n[k]), ms(g[k]), f"{(n[k] - d[k]) / 1000:+.2f} ms",
                 f"{added:+.2f} ms", "≤ +1 ms" if p == "p99" else "", met(added <= 1 and g["requests"] > 0) if p == "p99" else ""))
bad = lambda r: r["errors"] + r.get("unsent", 0)
if bad(d) + bad(n) + bad(g):
    rows.append((f"SSE at {stream_rate}/s: failed or unsent", f"{bad(d):.0f}", f"{bad(n):.0f}", f"{bad(g):.0f}", "", "", "0", met(False)))
rows.append((f"SSE at {stream_rate}/s: proxy CPU per stream (start-up of each run included)", "", f"{cpu_us(n):.0f} µs",
             f"{cpu_us(g):.0f} µs", "", f"{cpu_us(g) / max(cpu_us(n), 1e-9):.1f}× nginx", "", ""))
k = "p99_us"
rows.append((f"SSE at {stream_rate}/s: whole stream p99", ms(d[k]), ms(n[k]), ms(g[k]), f"{(n[k] - d[k]) / 1000:+.2f} ms",
             f"{(g[k] - d[k]) / 1000:+.2f} ms", "", ""))
floor = [(t, label) for t, label in (("pekko", "Pekko HTTP's server answering by itself"),
          ("pekko-proxy", "a bare Pekko HTTP proxy (server + pooled client)")) if f"sat:json:{t}" in R]
n = R["sat:json:nginx"]
for t, label in floor:
    f = R[f"sat:json:{t}"]
    cf, cn = cpu_us(f), cpu_us(n)
    print(f"floor, plain JSON at saturation, {label}: {f['rps']:.0f} requests/s ({f['rps'] / n['rps']:.2f}× nginx), "
          f"{cf:.0f} µs CPU per request ({cf / cn:.1f}× nginx)")
steal = sorted((r["steal_pct"], k) for k, r in R.items() if "steal_pct" in r)
if steal:
    print(f"steal (CPU time the hypervisor gave to other guests) during the measurements: median "
          f"{steal[len(steal) // 2][0]:.1f} %, most {steal[-1][0]:.1f} % ({steal[-1][1]})")
    if steal[-1][0] > 5:
        print("  more than 5 % in a measurement: its figures measure the neighbours as much as the proxies; run again")
if wakeups:
    print(f"the machine, idle: a thread sleeping 0.5 ms wakes {int(wakeups['late_p50_us']) / 1000:.2f} ms late at p50, "
          f"{int(wakeups['late_p99_us']) / 1000:.2f} ms at p99, {int(wakeups['late_max_us']) / 1000:.2f} ms at most, "
          f"more than 1 ms late {wakeups['late_over_1ms']} times in 5 s ({wakeups['wakeups']} sleeps); each hop of a "
          f"request wakes a sleeping thread")
print(f"\nfixed rates: {len(next(iter(rounds.values()), []))} rounds, the targets in turn; each round's p99 (TTFC p99 for SSE), ms:")
for key in sorted(rounds, key=lambda k: (k.split(":")[1], int(k.split(":")[0][4:]), ("direct", "nginx", "hedgerow", "hedgerow-b").index(k.split(":")[2]))):
    print(f"  {key:24s} " + " ".join(f"{v / 1000:.2f}" for v in R[key]["round_p99_us"]))
print("\n| measurement | direct | nginx | Hedgerow | nginx vs direct | Hedgerow vs direct (or nginx) | target | met |")
print("|---|---|---|---|---|---|---|---|")
for r in rows: print("| " + " | ".join(r) + " |")
if "sat:json:hedgerow-b" in R:
    b_rows = []
    for kind, label in (("json", "plain JSON"), ("sse", "SSE stream")):
        a, b = R[f"sat:{kind}:hedgerow"], R[f"sat:{kind}:hedgerow-b"]
        b_rows.append((f"{label}: requests/s at saturation", f"{a['rps']:.0f}", f"{b['rps']:.0f}", f"{b['rps'] / a['rps']:.2f}×"))
        ca, cb = cpu_us(a), cpu_us(b)
        b_rows.append((f"{label}: CPU per request at saturation", f"{ca:.0f} µs", f"{cb:.0f} µs", f"{cb / ca:.2f}×"))
    for rate, kind in [(r, "json") for r in rates] + [(stream_rate, "sse")]:
        d, a, b = (R[f"rate{rate}:{kind}:{t}"] for t in ("direct", "hedgerow", "hedgerow-b"))
        keys = ("p50_us", "p99_us") if kind == "json" else ("ttfc_p50_us", "ttfc_p99_us")
        for k in keys:
            b_rows.append((f"{'plain JSON' if kind == 'json' else 'SSE'} at {rate}/s: {k[:-3].replace('_', ' ').upper()} added vs direct",
                           f"{(a[k] - d[k]) / 1000:+.2f} ms", f"{(b[k] - d[k]) / 1000:+.2f} ms", f"{(b[k] - a[k]) / 1000:+.2f} ms"))
        ca, cb = cpu_us(a), cpu_us(b)
        b_rows.append((f"{'plain JSON' if kind == 'json' else 'SSE'} at {rate}/s: CPU per request (start-up included)",
                       f"{ca:.0f} µs", f"{cb:.0f} µs", f"{cb / max(ca, 1e-9):.2f}×"))
    print("\nThe second gateway (COMPARE_JAVA_OPTS) against the first, measured in turn in the same rounds:\n")
    print("| measurement | Hedgerow | Hedgerow B | B vs Hedgerow |")
    print("|---|---|---|---|")
    for r in b_rows: print("| " + " | ".join(r) + " |")
PY

# Stop-the-world pauses of the gateway during the measured phases (after warm-up): they land in the tails.
gc_pauses() {  # gc_pauses NAME GC_LOG SINCE
python3 - "$1" "$2" "$3" <<'PY'
import re, sys
name, path, since = sys.argv[1], sys.argv[2], float(sys.argv[3])
pauses = []
for line in open(path):
    m = re.match(r"\[([0-9.]+)s\].*Pause.* ([0-9.]+)ms$", line.strip())
    if m and float(m.group(1)) >= since: pauses.append(float(m.group(2)))
if pauses:
    pauses.sort()
    print(f"\n{name} GC during the measurements: {len(pauses)} pauses, median {pauses[len(pauses) // 2]:.1f} ms, "
          f"longest {pauses[-1]:.1f} ms, {sum(pauses):.0f} ms in all")
PY
}
gc_pauses gateway "$WORK/gateway-gc.log" "$MEASURED_FROM"
[[ -n "$COMPARE_JAVA_OPTS" ]] && gc_pauses "gateway B" "$WORK/gateway-b-gc.log" "$MEASURED_FROM_B"

if [[ "$PROFILE" == 1 && -f "$WORK/gateway.jfr" ]]; then
  echo; echo "hottest top frames in the gateway (JFR, plain JSON saturation):"
  jfr print --events jdk.ExecutionSample "$WORK/gateway.jfr" \
    | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print }' \
    | sort | uniq -c | sort -rn | head -25
fi
