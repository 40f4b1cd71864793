#!/usr/bin/env bash
# A/B ingest benchmark: two Surge jars, measured in alternating rounds against one broker, so that the
# machine's drift (large here: the bare server has measured 68k-101k req/s on different hours) hits both alike.
# Typical use: the cost of auth and rate limits against the commit before security:
#   git worktree add /tmp/base 4561f81 && (cd /tmp/base && mvn -q -DskipTests package)
#   scripts/bench-ab.sh /tmp/base/target/surge.jar target/surge.jar
# Env: ROUNDS=3 DURATION=12 CONNECTIONS=64 EVENTS="1 100" WARMUP=1 WARMUP_SECONDS=10 BENCH_RATE_LIMITS=1 (B gets a key with limits
# set far above reach; 0: the bootstrap key, no limits; A_RATE_LIMITS/B_RATE_LIMITS set it per side),
# A_ENV/B_ENV (extra SURGE_* settings per side, e.g. B_ENV="SURGE_HTTP_IDLE_TIMEOUT_SECONDS=0"), A_JAVA_OPTS/B_JAVA_OPTS
# (JVM options per side; default SURGE_JAVA_OPTS).
# Prints one line per run (with the CPU time the Surge process and the broker spent per request, read from
# /proc: the Surge figure is steadier than req/s on a shared machine) and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
A=${1:?usage: scripts/bench-ab.sh A.jar B.jar}
B=${2:?usage: scripts/bench-ab.sh A.jar B.jar}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-12}
CONNECTIONS=${CONNECTIONS:-64}
EVENTS=${EVENTS:-"1 100"}
PG_SERVER=${SURGE_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PG_SERVER=${PG_SERVER%/*}
BOOT_KEY=bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
source scripts/bench/common.sh surge-ab
start_kafka
psql "$PG_SERVER/postgres" -qtAX -c "DROP DATABASE IF EXISTS surge_bench_ab" >/dev/null 2>&1

# CPU time (user + system, clock ticks) the Surge process has used: its cost per request does not drift with
# what else the machine runs, unlike req/s
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# per_request TICKS REQUESTS -> microseconds of CPU per request
per_request() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}'; }

# side_var LABEL NAME DEFAULT -> $A_NAME for label A, $B_NAME for B, else DEFAULT
side_var() { local v="${1}_$2"; [[ "$1" =~ ^[AB]$ && -n "${!v:-}" ]] && echo "${!v}" || echo "$3"; }

# run_jar LABEL JAR -> one line per events/request: label events req/s p50 p99 non-2xx cpu-us/request
run_jar() {
  local label=$1 jar=$2 port key
  port=$(free_port)
  SURGE_REDIS_URL="${SURGE_REDIS_URL:-redis://127.0.0.1:6379}" SURGE_REDIS_KEY_PREFIX="bench-ab-$$:" \
    SURGE_PG_URL="$PG_SERVER/surge_bench_ab" SURGE_BOOTSTRAP_KEY="$BOOT_KEY" SURGE_HTTP_PORT=$port \
    SURGE_KAFKA_BOOTSTRAP=$BOOTSTRAP SURGE_KAFKA_TOPIC=bench.ab SURGE_ROLES=ingest \
    env $(side_var "$label" ENV "") java $(side_var "$label" JAVA_OPTS "${SURGE_JAVA_OPTS:-}") -jar "$jar" run \
    > "$WORK/$label.log" 2>&1 &
  local pid=$!
  wait_http "http://127.0.0.1:$port/health/ready"
  key=$BOOT_KEY
  if [[ "$(side_var "$label" RATE_LIMITS "${BENCH_RATE_LIMITS:-1}")" == 1 ]] && curl -fs -o /dev/null -H "Authorization: Bearer $BOOT_KEY" \
      "http://127.0.0.1:$port/v1/admin/keys"; then
    key=$(curl -fs -H "Authorization: Bearer $BOOT_KEY" -H 'Content-Type: application/json' \
      "http://127.0.0.1:$port/v1/admin/keys" --data \
      '{"tenant":"bench","scopes":["ingest"],"limits":{"requestsPerSecond":1000000000,"eventsPerSecond":2000000000}}' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  fi
  for events in $EVENTS; do
    # warm-up at full load: the JIT compiles for seconds, on the Surge process's CPU time (measured: C2 was about
    # half of its samples in a 3 s warm-up + 12 s run), so a short warm-up measures the compiler, not Surge
    BENCH_KEY=$key BENCH_EVENTS=$events wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS:-10}s" -s scripts/bench/events.lua \
      "http://127.0.0.1:$port/v1/events" >/dev/null 2>&1
    local cpu_before cpu_after broker_before broker_after requests
    cpu_before=$(cpu_ticks "$pid"); broker_before=$(cpu_ticks "${PIDS[0]}")
    BENCH_KEY=$key BENCH_EVENTS=$events wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
      -s scripts/bench/events.lua "http://127.0.0.1:$port/v1/events" > "$WORK/wrk.txt" 2>&1
    cpu_after=$(cpu_ticks "$pid"); broker_after=$(cpu_ticks "${PIDS[0]}")
    requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
    echo "$label $events $(awk '/Requests\/sec/ {printf "%d", $2}' "$WORK/wrk.txt") \
$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt") $(awk '$1=="99%" {print $2}' "$WORK/wrk.txt") \
$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt" | grep . || echo 0) \
$(per_request $((cpu_after - cpu_before)) "$requests") $(per_request $((broker_after - broker_before)) "$requests")" \
      | tee -a "$WORK/results.txt"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "label events/request req/s p50 p99 non-2xx surge-cpu-us/request broker-cpu-us/request"
# the first run after the broker starts is slow whichever jar it is (measured: A's first run 15-23k req/s,
# its later runs 26-30k): warm the broker up with a discarded run of A
[[ "${WARMUP:-1}" == 1 ]] && run_jar warmup "$A" > /dev/null
for round in $(seq 1 "$ROUNDS"); do
  run_jar A "$A"
  run_jar B "$B"
done
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
