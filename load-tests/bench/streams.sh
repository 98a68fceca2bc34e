#!/usr/bin/env bash
# Concurrent-streams benchmark (issue 7: "10,000 concurrent slow-drip streams held with heap <= 1 GiB and no
# errors"). Starts, each in its own JVM on 127.0.0.1:
#
#   - the simulator, one instance "drip" whose streams drip: first token after ~100 ms, then one token a
#     second (inter-token-delay = 1s, output-tokens = TOKENS = 90: about 90 s per stream);
#   - the gateway with -Xmx1g and the settings STREAMS concurrent streams to one provider need (below);
#   - StreamHoldDriver: STREAMS streamed chat completions, one HTTP/1.1 connection each, ramped over RAMP
#     seconds by one NIO selector thread, all held open at once; every stream must end with
#     data: [DONE] and carry no error frame.
#
# Before the driver, WARMUP_STREAMS short streams warm both JVMs up (unmeasured), and once their pooled
# upstream connections have timed out the idle gateway is measured. Once every stream has its first token
# (and none has ended) the held gateway is measured the same way: threads, open file descriptors, client-
# and upstream-side connections, RSS, then a class histogram (jcmd GC.class_histogram, after a full GC),
# whose total is the live heap. Held minus idle, per stream, is the heap one stream costs, and the classes
# that make it up. The peak heap comes from the gateway's GC log over the run. Prints one markdown table.
#
#   load-tests/bench/streams.sh                          # STREAMS=10000
#   STREAMS=1000 RAMP=10 TOKENS=45 load-tests/bench/streams.sh
#   STREAMS=5000 HEADER_CACHE=12 GATEWAY_HEAP=1g GATEWAY_JAVA_OPTS=... JFR=1 load-tests/bench/streams.sh
#
# Each stream costs the gateway two sockets (client and upstream), so it needs 2 x STREAMS open files plus
# its own; the script raises the soft limit (ulimit -n) up to 65536 or the hard limit, and stops with a
# message when that is not enough (FORCE=1 runs anyway, to see what happens). JFR=1 records the gateway
# (settings=profile) from the start of the driver to the measurement. Every process it starts is stopped
# by PID on exit; logs, the GC log and the histograms stay in the directory it names.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

STREAMS="${STREAMS:-10000}"
RAMP="${RAMP:-$(( STREAMS / 100 > 10 ? STREAMS / 100 : 10 ))}"  # seconds to open them all: 100 streams/s
INTER_TOKEN_MS="${INTER_TOKEN_MS:-1000}"  # one token per second
TOKENS="${TOKENS:-$(( (RAMP + 90) * 1000 / INTER_TOKEN_MS + 1 ))}"  # per stream: open until well after the ramp
TTFT_MS="${TTFT_MS:-100}"
GATEWAY_HEAP="${GATEWAY_HEAP:-1g}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
SIM_HEAP="${SIM_HEAP:-4g}"          # the simulator holds STREAMS streams too; it is not what is measured
ACCESS_LOG="${ACCESS_LOG:-INFO}"    # the gateway's access log as shipped
FORCE="${FORCE:-0}"
JFR="${JFR:-0}"
WARMUP_STREAMS="${WARMUP_STREAMS:-1000}"  # short streams first, unmeasured (JIT); 0 for none
HEADER_CACHE="${HEADER_CACHE:-0}"   # Pekko's header-value cache per connection: 0 = off (this benchmark's default); 12 = Pekko's, as shipped

DRIP_SECONDS=$(( (TTFT_MS + (TOKENS - 1) * INTER_TOKEN_MS) / 1000 ))
if (( DRIP_SECONDS < RAMP + 30 )); then
  echo "streams last ~${DRIP_SECONDS}s but the ramp takes ${RAMP}s: raise TOKENS so that every stream is" \
    "still open 30 s after the last one started" >&2
  exit 2
fi

# --- OS limits ---------------------------------------------------------------------------------------
HARD_NOFILE="$(ulimit -Hn)"
WANT_NOFILE=65536
[[ "$HARD_NOFILE" != unlimited ]] && (( HARD_NOFILE < WANT_NOFILE )) && WANT_NOFILE="$HARD_NOFILE"
ulimit -n "$WANT_NOFILE"
NOFILE="$(ulimit -n)"
read -r PORT_LO PORT_HI </proc/sys/net/ipv4/ip_local_port_range
if (( PORT_HI - PORT_LO + 1 < STREAMS + 1000 )); then
  echo "the ephemeral port range $PORT_LO-$PORT_HI is too small for $STREAMS client connections" \
    "(widen /proc/sys/net/ipv4/ip_local_port_range)" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hedgerow-streams.XXXXXX")"
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

# --- build if needed, run from a copy ----------------------------------------------------------------
JAR=router/target/hedgerow.jar
if [[ ! -f "$JAR" || ! -d router/target/lib ]]; then
  echo "building (mvn -B -ntp -q -DskipTests package) ..." >&2
  mvn -B -ntp -q -DskipTests package
fi
mkdir -p "$WORK/app" "$WORK/driver"
cp -r router/target/lib "$JAR" "$WORK/app/"
javac -d "$WORK/driver" load-tests/src/test/java/io/hedgerow/load/StreamHoldDriver.java

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_http() {  # wait_http URL SECONDS: until URL answers 200, or fail
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if (( SECONDS >= deadline )); then echo "no answer from $url after $2 s; logs in $WORK" >&2; return 1; fi
    sleep 0.5
  done
}
SIM_PORT="$(free_port)"; G_PORT="$(free_port)"; M_PORT="$(free_port)"

# --- measurements ------------------------------------------------------------------------------------
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
live_heap_bytes() {  # live_heap_bytes PID FILE: class histogram (after a full GC) into FILE; prints its total bytes
  jcmd "$1" GC.class_histogram >"$2"
  awk '$1 == "Total" { print $3 }' "$2"
}
conns() {  # established TCP connections with local port $1 (the server side of them)
  ss -Htn state established "( sport = :$1 )" 2>/dev/null | wc -l
}
upstream_conns() { ss -Htn state established "( dport = :$1 )" 2>/dev/null | wc -l; }
snapshot() {  # snapshot NAME: one line of key=value for the gateway, in $WORK/NAME.txt
  local rss threads fd clients upstream live
  rss="$(status_kb "$GW_PID" VmRSS)"; threads="$(status_kb "$GW_PID" Threads)"; fd="$(fds "$GW_PID")"
  clients="$(conns "$G_PORT")"; upstream="$(upstream_conns "$SIM_PORT")"
  live="$(live_heap_bytes "$GW_PID" "$WORK/$1-histogram.txt")"
  echo "rss_kb=$rss threads=$threads fds=$fd client_conns=$clients upstream_conns=$upstream live_heap_bytes=$live" \
    | tee "$WORK/$1.txt" >&2
}


# --- the simulator -----------------------------------------------------------------------------------
cat >"$WORK/sims.conf" <<CONF
hedgerow.sim.instances = [
  { name = "drip", port = $SIM_PORT, seed = 1, ttft { p50 = ${TTFT_MS}ms, p99 = $(( TTFT_MS * 12 / 10 ))ms },
    inter-token-delay = ${INTER_TOKEN_MS}ms, output-tokens = $TOKENS }
]
CONF
java -Xmx"$SIM_HEAP" -cp "$WORK/app/lib/*" io.hedgerow.providers.sim.SimMain "$WORK/sims.conf" \
  >"$WORK/sim.log" 2>&1 &
SIM_PID=$!; PIDS+=($SIM_PID)

# --- the gateway -------------------------------------------------------------------------------------
# What stands between one provider and STREAMS concurrent streams, with the shipped defaults in brackets:
#   hedgerow.providers.<p>.limits.max-concurrent [256]: attempts in flight; beyond it requests queue
#     (queue-size 1000, queue-timeout 2s) and then get 429;
#   hedgerow.upstream.connections.max-connections-per-host [512]: upstream connections per provider host;
#     a streamed answer holds its connection until it ends, so this caps concurrent streams per provider;
#   hedgerow.upstream.connections.max-waiting-per-host [4096]: requests waiting for a connection past
#     that; beyond it they fail at once;
#   pekko.http.server.max-connections [1024]: client connections the server accepts at once;
#   pekko.http.server.backlog [100]: the listen backlog, for a fast ramp.
# Pekko's per-connection header-value cache, which copies the parser's tables (about 4.8 KiB) into every
# client connection, is on in the gateway as shipped; this benchmark turns it off (HEADER_CACHE=0), as a
# deployment holding thousands of streams should (reference.conf says how); HEADER_CACHE=12 keeps it.
CACHE_CONF=""
if [[ -n "$HEADER_CACHE" ]]; then
  CACHE_CONF="server.parsing.header-cache.default = $HEADER_CACHE"
fi
cat >"$WORK/gateway.conf" <<CONF
hedgerow {
  http { interface = "127.0.0.1", port = $G_PORT }
  metrics { interface = "127.0.0.1", port = $M_PORT }
  providers.drip {
    kind = vllm, base-url = "http://127.0.0.1:$SIM_PORT/v1"
    limits { max-concurrent = $STREAMS, queue-size = 1000 }
  }
  models.drip { provider = drip, upstream-model = "sim-drip" }
  upstream.connections { max-connections-per-host = $STREAMS, max-waiting-per-host = $(( STREAMS + 64 )) }
}
pekko.http {
  server { max-connections = $(( STREAMS + 256 )), backlog = 4096 }
  $CACHE_CONF
}
CONF
# shellcheck disable=SC2086
HEDGEROW_ACCESS_LOG="$ACCESS_LOG" java -Xmx"$GATEWAY_HEAP" -Xlog:gc:file="$WORK/gc.log":uptime $GATEWAY_JAVA_OPTS \
  -jar "$WORK/app/hedgerow.jar" "$WORK/gateway.conf" >"$WORK/gateway.log" 2>&1 &
GW_PID=$!; PIDS+=($GW_PID)

wait_http "http://127.0.0.1:$SIM_PORT/_sim/counters" 60
wait_http "http://127.0.0.1:$G_PORT/ready" 90
BASE_FDS="$(fds "$GW_PID")"   # before any upstream connection: what the gateway holds besides its sockets
NEED=$(( 2 * STREAMS + BASE_FDS + 16 ))
if (( NEED > NOFILE )); then
  echo "the gateway needs about $NEED open files (a client and an upstream socket per stream, plus" \
    "$BASE_FDS of its own) but the limit here is $NOFILE (hard limit $HARD_NOFILE): raise the hard limit" \
    "(ulimit -Hn as root, LimitNOFILE= in systemd, docker run --ulimit nofile=65536) or run at most" \
    "STREAMS=$(( (NOFILE - BASE_FDS - 16) / 2 )); FORCE=1 runs anyway" >&2
  [[ "$FORCE" == 1 ]] || exit 3
fi
# One short stream through the whole path first (and a little JIT): sim: directives shorten it.
for _ in 1 2 3; do
  curl -fsS --max-time 10 -N "http://127.0.0.1:$G_PORT/v1/chat/completions" -H 'content-type: application/json' \
    -d '{"model":"drip","stream":true,"messages":[{"role":"user","content":"hi sim:tokens=3 sim:inter-token-ms=10 sim:ttft-ms=5"}]}' \
    | grep -q '^data: \[DONE\]' || { echo "a short stream through the gateway failed; logs in $WORK" >&2; exit 1; }
done

# Warm-up (JIT in both JVMs): WARMUP_STREAMS short streams through the same driver, unmeasured.
if (( WARMUP_STREAMS > 0 )); then
  echo "warm-up: $WARMUP_STREAMS short streams ..." >&2
  timeout 120 java -Xmx256m -XX:+UseSerialGC -cp "$WORK/driver" -Durl="http://127.0.0.1:$G_PORT/v1/chat/completions" \
    -Dbody='{"model":"drip","stream":true,"messages":[{"role":"user","content":"hi sim:tokens=3 sim:inter-token-ms=200"}]}' \
    -Dstreams="$WARMUP_STREAMS" -Dramp=20 -Dtimeout=60 io.hedgerow.load.StreamHoldDriver >"$WORK/warmup.out" 2>&1 || true
  grep '^RESULT' "$WORK/warmup.out" >&2 || echo "warm-up driver failed (see $WORK/warmup.out)" >&2
fi

MAX_HEAP_KB=$(( $(jcmd "$GW_PID" VM.flags | tr ' ' '\n' | sed -n 's/^-XX:MaxHeapSize=//p') / 1024 ))

# The warm-up's upstream connections stay in the pool until its idle-timeout (60 s): wait them out, so
# that the idle baseline holds no connection at all.
deadline=$(( SECONDS + 90 ))
while (( $(upstream_conns "$SIM_PORT") > 0 && SECONDS < deadline )); do sleep 2; done
echo "idle gateway:" >&2
snapshot idle
GC_LINES_BEFORE="$(wc -l <"$WORK/gc.log")"
listen_overflows() {  # the kernel's count of SYNs dropped because an accept queue was full (any process)
  awk '$1 == "TcpExt:" && !h { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
       $1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (n[i] == "ListenOverflows") print $i }' /proc/net/netstat
}
OVERFLOWS_BEFORE="$(listen_overflows)"

# --- the driver --------------------------------------------------------------------------------------
BODY='{"model":"drip","stream":true,"messages":[{"role":"user","content":"Tell me a long story, slowly."}]}'
TIMEOUT=$(( DRIP_SECONDS + 120 ))  # generous: on a busy machine the ramp can fall behind
echo "driving $STREAMS streams (ramp ${RAMP}s, ~${DRIP_SECONDS}s each) ..." >&2
[[ "$JFR" == 1 ]] && jcmd "$GW_PID" JFR.start name=streams settings=profile filename="$WORK/gateway.jfr" >/dev/null
: >"$WORK/driver.out"
timeout $(( RAMP + TIMEOUT + 30 )) java -Xmx512m -XX:+UseSerialGC -cp "$WORK/driver" \
  -Durl="http://127.0.0.1:$G_PORT/v1/chat/completions" -Dbody="$BODY" -Dstreams="$STREAMS" -Dramp="$RAMP" \
  -Dtimeout="$TIMEOUT" io.hedgerow.load.StreamHoldDriver >"$WORK/driver.out" 2>"$WORK/driver.err" &
DRIVER_PID=$!; PIDS+=($DRIVER_PID)

deadline=$(( SECONDS + DRIP_SECONDS ))
until grep -q '^HOLDING' "$WORK/driver.out"; do
  if ! kill -0 "$DRIVER_PID" 2>/dev/null || (( SECONDS >= deadline )); then break; fi
  sleep 0.5
done
HOLDING="$(grep '^HOLDING' "$WORK/driver.out" || echo "HOLDING never (measured anyway)")"
echo "$HOLDING; measuring the gateway ..." >&2
tail -1 "$WORK/driver.err" >&2 || true
# CPU while holding, once the ramp's work has died down: utime+stime per thread group over CPU_SECONDS,
# before the histogram's full GC adds its own.
CPU_SETTLE="${CPU_SETTLE:-20}"; CPU_SECONDS="${CPU_SECONDS:-10}"
thread_ticks() {  # "name ticks" per thread of $1, digits stripped from names (dispatcher-12 -> dispatcher-)
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(tr -d '0-9' <"$t/comm" | tr ' ' '_')" "$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null || echo 0)"
  done
}
sleep "$CPU_SETTLE"
thread_ticks "$GW_PID" >"$WORK/cpu-before.txt"; sleep "$CPU_SECONDS"; thread_ticks "$GW_PID" >"$WORK/cpu-after.txt"
HOLD_CPU="$(python3 - "$WORK" "$(getconf CLK_TCK)" "$CPU_SECONDS" <<'PY'
import collections, sys
work, hz, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def load(name):
    d = collections.Counter()
    for line in open(f"{work}/{name}"):
        k, v = line.rstrip("\n").split("\t")
        d[k] += int(v)
    return d
a, b = load("cpu-before.txt"), load("cpu-after.txt")
delta = {k: (b[k] - a.get(k, 0)) / hz / secs for k in b}
top = sorted(delta.items(), key=lambda kv: -kv[1])[:3]
print(f"{sum(delta.values()):.2f} " + ",".join(f"{k}={v:.2f}" for k, v in top))
PY
)"
echo "gateway CPU while holding (cores): $HOLD_CPU" >&2
snapshot held
[[ "$JFR" == 1 ]] && jcmd "$GW_PID" JFR.stop name=streams >/dev/null
curl -fsS --max-time 5 "http://127.0.0.1:$G_PORT/admin/providers" >"$WORK/providers-held.json" || true

echo "waiting for the streams to end ..." >&2
wait "$DRIVER_PID" || true
RESULT="$(grep '^RESULT' "$WORK/driver.out" || echo "RESULT streams=$STREAMS ok=0 errors=$STREAMS peak_open=0 peak_streaming=0 ttft_p50_ms=0 ttft_p99_ms=0 dur_p50_s=0 dur_p99_s=0 dur_max_s=0 events_p50=0 error_kinds=driver_failed")"
echo "$RESULT" >&2
curl -fsS --max-time 5 "http://127.0.0.1:$SIM_PORT/_sim/counters" >"$WORK/sim-counters.json" || true
OVERFLOWS=$(( $(listen_overflows) - OVERFLOWS_BEFORE ))
OOM="$(grep -c 'OutOfMemoryError' "$WORK/gateway.log" || true)"
GW_ERRORS="$(grep -c ' ERROR ' "$WORK/gateway.log" || true)"

python3 - "$RESULT" "$WORK" "$GC_LINES_BEFORE" "$MAX_HEAP_KB" "$OOM" "$GW_ERRORS" "$OVERFLOWS" "$HOLD_CPU" \
  "$INTER_TOKEN_MS" <<'PY'
import json, re, sys
result, work, gc_skip, max_kb, oom, gw_errors, overflows, hold_cpu, gap_ms = sys.argv[1:]
r = dict(kv.split("=", 1) for kv in result.split()[1:])
kv = lambda name: {k: int(v) for k, v in (x.split("=") for x in open(f"{work}/{name}.txt").read().split())}
idle, held = kv("idle"), kv("held")
peak_before = peak_after = 0
for line in open(f"{work}/gc.log").read().splitlines()[int(gc_skip):]:
    m = re.search(r"(\d+)M->(\d+)M\((\d+)M\)", line)
    if m and "Diagnostic Command" not in line and "Heap Inspection" not in line:
        peak_before = max(peak_before, int(m.group(1)))
        peak_after = max(peak_after, int(m.group(2)))
mib = lambda b: f"{b / 2**20:.0f} MiB"
held_streams = min(held["client_conns"], held["upstream_conns"])
n = max(1, held_streams)
print()
print("| streams | errors | peak concurrent | heap used after GC (held) | peak heap used | heap max | RSS (held) |")
print("|---|---|---|---|---|---|---|")
print(f"| {r['streams']} | {r['errors']} | {r['peak_streaming']} | {mib(held['live_heap_bytes'])} | {peak_before} MiB "
      f"| {mib(int(max_kb) * 1024)} | {mib(held['rss_kb'] * 1024)} |")
print()
print(f"- idle gateway (no connection open): heap after GC {mib(idle['live_heap_bytes'])}, RSS {mib(idle['rss_kb'] * 1024)}, "
      f"{idle['threads']} threads, {idle['fds']} fds")
print(f"- held: {held['client_conns']} client and {held['upstream_conns']} upstream connections established, "
      f"{held['threads']} threads, {held['fds']} fds; heap per held stream "
      f"{(held['live_heap_bytes'] - idle['live_heap_bytes']) / n / 1024:.1f} KiB (live, over idle)")
chunks_per_s = n * 1000 / int(gap_ms)
cores, by_thread = hold_cpu.split(" ", 1)
print(f"- CPU while holding: {cores} cores for about {chunks_per_s:.0f} chunks/s, "
      f"{float(cores) * 1e6 / chunks_per_s:.0f} µs of CPU per relayed chunk (busiest threads: {by_thread})")
print(f"- during the run: largest heap after a young/mixed collection {peak_after} MiB; "
      f"OutOfMemoryError lines {oom}, ERROR log lines {gw_errors}; listen-queue overflows on the machine {overflows}")
outcomes = {}
for line in open(f"{work}/gateway.log", errors="replace"):
    m = re.search(r"hedgerow.access .* outcome=(\S+)", line)
    if m:
        outcomes[m.group(1)] = outcomes.get(m.group(1), 0) + 1
print("- gateway access log outcomes (warm-up included): "
      + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
print(f"- streams: TTFT p50 {r['ttft_p50_ms']} ms, p99 {r['ttft_p99_ms']} ms; duration p50 {r['dur_p50_s']} s, "
      f"p99 {r['dur_p99_s']} s, max {r['dur_max_s']} s; events per stream p50 {r['events_p50']}; "
      f"peak open connections {r['peak_open']}; errors by kind: {r['error_kinds']}")
try:
    sim = json.load(open(f"{work}/sim-counters.json"))
    print(f"- simulator: {sim.get('streamsStarted')} streams started, {sim.get('streamsCompleted')} completed, "
          f"{sim.get('streamsCancelled')} cancelled")
except Exception:
    pass
def histogram(name):
    out = {}
    for line in open(f"{work}/{name}-histogram.txt"):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            out[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return out
a, b = histogram("idle"), histogram("held")
rows = sorted(((b.get(k, (0, 0))[1] - a.get(k, (0, 0))[1], b.get(k, (0, 0))[0] - a.get(k, (0, 0))[0], k)
               for k in set(a) | set(b)), reverse=True)
print("- per held stream, the largest classes (held minus idle histogram):")
for size, count, name in rows[:10]:
    print(f"    {size / n:7.0f} B  {count / n:6.1f} objects  {name}")
PY
