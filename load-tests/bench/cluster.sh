#!/usr/bin/env bash
# Three-node cluster load: starts the simulated upstream (config/cluster/sims.conf) and three gateway
# processes (config/cluster/node-{1,2,3}.conf) on 127.0.0.1, waits for the cluster to form, sends a bounded
# burst of chat completions round-robin across the nodes to a route with one provider limited to
# 120 requests/minute cluster-wide, and prints what each node and the cluster admitted, and what the
# upstream received. Then it stops node 3 with SIGTERM (or, with CRASH=1, kills it with SIGKILL, so
# the split-brain resolver has to down it) and shows the other two taking its share.
#
#   load-tests/bench/cluster.sh                 # from the repository root (or anywhere)
#   REQUESTS=600 CONCURRENCY=48 load-tests/bench/cluster.sh
#   CRASH=1 load-tests/bench/cluster.sh
#
# It uses the fixed ports of config/cluster/ (HTTP 8081-8083, Artery 25521-25523, metrics 9096-9098,
# simulator 9301) and fails at once if one is taken. Every process it starts is stopped by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

REQUESTS="${REQUESTS:-300}"       # requests in the burst, across all nodes
CONCURRENCY="${CONCURRENCY:-24}"  # requests in flight at once, across all nodes
CRASH="${CRASH:-0}"               # 1: node 3 is killed (SIGKILL) rather than stopped (SIGTERM)
HTTP_PORTS=(8081 8082 8083)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hedgerow-cluster.XXXXXX")"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done  # at most 20 s each
    kill -KILL "$pid" 2>/dev/null || true
  done
  echo "logs: $WORK" >&2
}
trap cleanup EXIT

for port in 8081 8082 8083 25521 25522 25523 9096 9097 9098 9301; do
  if ! python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.close()" 2>/dev/null; then
    echo "port $port on 127.0.0.1 is taken; config/cluster/ needs it" >&2; exit 1
  fi
done

JAR=router/target/hedgerow.jar
if [[ ! -f "$JAR" || -n "$(find providers/src router/src -newer "$JAR" -type f -print -quit)" ]]; then
  echo "building (mvn -B -ntp -q -DskipTests package) ..." >&2
  mvn -B -ntp -q -DskipTests package
fi
# A copy, so a rebuild while this runs cannot change the jars under the running JVMs.
mkdir -p "$WORK/app" && cp -r router/target/hedgerow.jar router/target/lib "$WORK/app/"

wait_http() {  # wait_http URL SECONDS
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if (( SECONDS >= deadline )); then echo "no answer from $url after $2 s; logs in $WORK" >&2; return 1; fi
    sleep 0.5
  done
}

java -cp "$WORK/app/lib/*" io.hedgerow.providers.sim.SimMain config/cluster/sims.conf >"$WORK/sim.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:9301/_sim/counters" 60

NODE_PIDS=()
for i in 1 2 3; do
  HEDGEROW_ACCESS_LOG=OFF java -Xmx512m -jar "$WORK/app/hedgerow.jar" "config/cluster/node-$i.conf" >"$WORK/node-$i.log" 2>&1 &
  PIDS+=($!); NODE_PIDS+=($!)
done
for port in "${HTTP_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/ready" 90; done

members_up() {  # members_up PORT: how many members node PORT sees Up
  curl -fsS --max-time 5 "http://127.0.0.1:$1/admin/cluster" \
    | python3 -c 'import json,sys; print(sum(m["status"]=="up" for m in json.load(sys.stdin)["members"]))'
}
show_members() {  # show_members PORT: the members node PORT sees, with their share of sim-a's limits
  curl -fsS --max-time 5 "http://127.0.0.1:$1/admin/cluster" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["members"]:
    print("  %-32s %-8s share=%.3f sim-a=%s" % (m["address"], m["status"], m["share"], m["providers"].get("sim-a")))' >&2
}
deadline=$((SECONDS + 30))
until [[ "$(members_up 8081)" == 3 && "$(members_up 8083)" == 3 ]]; do
  (( SECONDS < deadline )) || { echo "the cluster did not form; logs in $WORK" >&2; exit 1; }
  sleep 0.5
done
echo "cluster formed; node 1 sees:" >&2
show_members 8081

upstream() {
  curl -fsS --max-time 5 "http://127.0.0.1:9301/_sim/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requestsReceived"])'
}
before="$(upstream)"

echo "sending $REQUESTS requests round-robin over the three nodes, $CONCURRENCY at a time ..." >&2
python3 - "$REQUESTS" "$CONCURRENCY" "${HTTP_PORTS[@]}" <<'PY'
import collections, concurrent.futures, sys, time, urllib.error, urllib.request
n, conc, ports = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
body = b'{"model":"limited","messages":[{"role":"user","content":"hi"}],"max_tokens":16}'
def call(i):
    port = ports[i % len(ports)]
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read(); return port, r.status
    except urllib.error.HTTPError as e:
        return port, e.code
    except Exception:
        return port, "error"
start = time.time()
counts = collections.Counter()
with concurrent.futures.ThreadPoolExecutor(conc) as pool:
    for port, status in pool.map(call, range(n)):
        counts[(port, status)] += 1
took = time.time() - start
print(f"\n| node | 200 (admitted) | 429 (over its share of the rate or concurrency) | other |\n|---|---|---|---|")
total = collections.Counter()
for p in ports:
    ok, lim = counts[(p, 200)], counts[(p, 429)]
    other = sum(v for (pp, s), v in counts.items() if pp == p and s not in (200, 429))
    total.update({"ok": ok, "lim": lim, "other": other})
    print(f"| :{p} | {ok} | {lim} | {other} |")
print(f"| all | {total['ok']} | {total['lim']} | {total['other']} |")
limit = 120
allowance = limit * took / 60.0  # what the buckets refill across the cluster while the burst runs
print(f"\nburst took {took:.1f} s; limit 120/min cluster-wide, plus {allowance:.1f} refilled meanwhile")
print("RESULT admitted=%d limit=%d refill=%.1f within=%s" % (total["ok"], limit, allowance,
      total["ok"] <= limit + allowance + 3))
PY
echo "upstream received $(( $(upstream) - before )) requests" >&2

if [[ "$CRASH" == 1 ]]; then
  echo "killing node 3 (SIGKILL): the resolver downs it, and the others take its share ..." >&2
  kill -KILL "${NODE_PIDS[2]}"
else
  echo "stopping node 3 (SIGTERM): it drains, leaves, and the others take its share ..." >&2
  kill -TERM "${NODE_PIDS[2]}"
fi
start=$SECONDS
deadline=$((SECONDS + 40))
until [[ "$(members_up 8081)" == 2 ]]; do
  (( SECONDS < deadline )) || { echo "node 3 did not leave; logs in $WORK" >&2; exit 1; }
  sleep 0.5
done
echo "after $((SECONDS - start)) s node 1 sees:" >&2
show_members 8081
