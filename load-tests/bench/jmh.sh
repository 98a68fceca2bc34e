#!/usr/bin/env bash
# JMH microbenchmarks (load-tests/src/main/java/io/hedgerow/load/jmh): the stream translators (chunks per
# second per core and bytes allocated per chunk), SSE framing, the request translation, and the routing
# decision (ns per request). Builds the benchmarks jar when it is missing or older than the sources, runs JMH
# with the arguments given, and prints one markdown table (JMH's own output goes to a log file).
#
#   load-tests/bench/jmh.sh                                  # every benchmark, with -prof gc
#   load-tests/bench/jmh.sh -prof gc -f 1 -wi 3 -i 5 Translator
#   load-tests/bench/jmh.sh -prof gc -p stream=anthropic/text StreamTranslatorBenchmark.decode
#   load-tests/bench/jmh.sh -l                               # list them; -h for every JMH option
#
# With no arguments it runs everything with -prof gc. Arguments replace that default entirely, so pass
# -prof gc for the allocation column. Unless told otherwise each benchmark runs 1 fork, 3 x 2 s warm-up and
# 5 x 1 s measurement (its annotations), about 12 s per benchmark and parameter set. Options:
#   JMH_LOG=full      show JMH's whole output as it runs (default: one line per benchmark and iteration)
#   JMH_JSON=FILE     keep JMH's JSON results in FILE
# Benchmarks run on one thread; on a busy machine the scores are noise, the B/op column much less so.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
JAR=load-tests/target/hedgerow-benchmarks.jar

# --- build when needed ---------------------------------------------------------------------------------
stale() {
  [[ ! -f "$JAR" || ! -d load-tests/target/jmh-lib ]] && return 0
  # sources, poms, and the fixtures and config the benchmarks replay (load-tests/pom.xml names them)
  [[ -n "$(find pom.xml providers router load-tests config \( -path '*/target' -o -path load-tests/bench \) -prune \
      -o -type f -newer "$JAR" -print -quit)" ]]
}
if stale; then
  echo "building the benchmarks (mvn -B -ntp -q -DskipTests package -pl load-tests -am) ..." >&2
  mvn -B -ntp -q -DskipTests package -pl load-tests -am >&2
fi

# --- informational options: straight to JMH ----------------------------------------------------------
for a in "$@"; do
  case "$a" in
    -l|-lp|-lprof|-lrf|-h|--help) exec java -jar "$JAR" "$@" ;;
    -rf|-rff) exec java -jar "$JAR" "$@" ;; # the caller wants JMH's own result file: no table
  esac
done

ARGS=("$@")
(( ${#ARGS[@]} > 0 )) || ARGS=(-prof gc)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hedgerow-jmh.XXXXXX")"
JSON="${JMH_JSON:-$WORK/jmh.json}"
LOG="$WORK/jmh.log"
echo "JMH log: $LOG" >&2

status=0
if [[ "${JMH_LOG:-}" == full ]]; then
  java -jar "$JAR" "${ARGS[@]}" -rf json -rff "$JSON" 2>&1 | tee "$LOG" || status=$?
else
  java -jar "$JAR" "${ARGS[@]}" -rf json -rff "$JSON" > "$LOG" 2>&1 &
  JMH_PID=$!
  trap 'kill "$JMH_PID" 2>/dev/null || true' INT TERM EXIT # a background job would not see Ctrl-C
  # progress while it runs: each benchmark and parameter set, and each measured iteration
  tail --pid="$JMH_PID" -n +1 -F "$LOG" 2>/dev/null \
    | grep --line-buffered -E '^# (Benchmark|Parameters):|^Iteration|<failure>' >&2 &
  wait "$JMH_PID" || status=$?
  wait || true # the progress pipe ends with JMH
  trap - INT TERM EXIT
fi
if grep -q '<failure>' "$LOG"; then
  echo "some benchmarks failed: see $LOG" >&2
  status=1
fi
if [[ ! -s "$JSON" ]]; then
  echo "no results (JMH exited with $status): see $LOG" >&2
  exit "$(( status == 0 ? 1 : status ))"
fi

# --- the table -----------------------------------------------------------------------------------------
python3 - "$JSON" "${ARGS[*]}" "$(nproc)" <<'EOF'
import json, sys, datetime
results = json.load(open(sys.argv[1]))
args, cores = sys.argv[2], sys.argv[3]
# what one operation is, per benchmark class (they normalise with @OperationsPerInvocation)
UNIT_OF_WORK = {"StreamTranslatorBenchmark": "chunk", "SseFramingBenchmark": "event",
                "RequestTranslatorBenchmark": "request", "RoutingDecisionBenchmark": "request"}
NS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}

def ns_per_op(score, unit):
    top, bottom = unit.split("/")
    if top == "ops":
        return NS[bottom] / score if score else float("inf")
    return score * NS[top]

def num(x):
    if x != x or x in (float("inf"), float("-inf")):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}" if abs(x) >= 10 else f"{x:,.2f}"

first = results[0] if results else {}
print(f"JMH {first.get('jmhVersion', '?')}, JDK {first.get('vmVersion', '?')}, "
      f"{datetime.date.today().isoformat()}, {cores} cores; args: {args or '(none)'}")
print()
print("| Benchmark | Params | Op | Score | ns/op | B/op |")
print("|---|---|---|---:|---:|---:|")
for r in results:
    name = r["benchmark"].rsplit(".", 2)
    cls, method = name[-2], name[-1]
    params = ", ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    pm = r["primaryMetric"]
    score, err, unit = pm["score"], pm.get("scoreError"), pm["scoreUnit"]
    shown = num(score) + (f" ± {num(err)}" if isinstance(err, (int, float)) and err == err else "") + f" {unit}"
    alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
    b_op = f"{alloc['score']:,.0f}" if alloc else "–"
    print(f"| {cls}.{method} | {params} | {UNIT_OF_WORK.get(cls, 'op')} | {shown} | {num(ns_per_op(score, unit))} | {b_op} |")
EOF
exit "$status"
