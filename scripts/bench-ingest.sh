#!/usr/bin/env bash
# Ingest benchmark, all on this machine (loopback only), in one run:
#   1. Kafka's own producer perf tool (300-byte records, acks=all, idempotent): the Kafka ceiling
#   2. a bare Vert.x server answering 202 (io.surge.dev.BareServer): the HTTP ceiling
#   3. Surge ingest (target/surge.jar, role ingest) with 1 event per request, with an API key that has
#      (very high) rate limits, so authentication and the Redis token buckets are both on the path
#   4. Surge ingest with 100 events per request
# Usage: scripts/bench-ingest.sh   (DURATION=20 WARMUP_SECONDS=10 CONNECTIONS=64 THREADS=2 PERF_RECORDS=2000000)
# Prints a Markdown table and writes it to target/bench-ingest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PERF_RECORDS=${PERF_RECORDS:-2000000}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
# API keys live in Postgres: Surge's ingest role needs one (default: this machine's server, a fresh database)
PG_BASE=${SURGE_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PG_SERVER=${PG_BASE%/*}
# the key wrk sends (scripts/bench/events.lua reads BENCH_KEY); Surge gets it as its bootstrap key
export BENCH_KEY=${BENCH_KEY:-bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}

source scripts/bench/common.sh surge-bench

echo "## starting the broker" >&2
start_kafka

echo "## Kafka producer ceiling ($PERF_RECORDS x 300 B, acks=all)" >&2
java -cp "$CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic bench.perf \
  --partitions 6 --replication-factor 1 >/dev/null 2>&1
java -cp "$CP" org.apache.kafka.tools.ProducerPerformance --topic bench.perf --num-records "$PERF_RECORDS" \
  --record-size 300 --throughput -1 --producer-props bootstrap.servers="$BOOTSTRAP" acks=all \
  enable.idempotence=true linger.ms=5 batch.size=131072 2>/dev/null | tail -n 1 | tee "$WORK/perf.txt" >&2
PERF_RATE=$(grep -o '[0-9.]* records/sec' "$WORK/perf.txt" | awk '{printf "%d", $1}')
PERF_P50=$(grep -o '[0-9]* ms 50th' "$WORK/perf.txt" | awk '{print $1}')
PERF_P99=$(grep -o '[0-9]* ms 99th' "$WORK/perf.txt" | awk '{print $1}')

# run_wrk NAME EVENTS_PER_REQUEST URL -> one table row
ROWS=()
run_wrk() {
  local name=$1 events=$2 url=$3 out="$WORK/wrk-$1.txt"
  # warm-up at full load: with 3 s the JIT compiler was about half of Surge's CPU samples in the measured run
  BENCH_EVENTS=$events wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s scripts/bench/events.lua "$url" >/dev/null 2>&1
  BENCH_EVENTS=$events wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s scripts/bench/events.lua "$url" > "$out" 2>&1
  cat "$out" >&2
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx/ {print $5}' "$out"); errors=${errors:-0}
  ROWS+=("| $name | $events | $rps | $((rps * events)) | $p50 | $p99 | $errors |")
}

echo "## bare Vert.x server (ceiling)" >&2
BARE_PORT=$(free_port)
java -cp "$CP" io.surge.dev.BareServer "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$BARE_PORT/"
run_wrk bare-vertx 1 "http://127.0.0.1:$BARE_PORT/v1/events"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

echo "## Surge ingest" >&2
SURGE_PORT=$(free_port)
psql "$PG_SERVER/postgres" -qtAX -c "DROP DATABASE IF EXISTS surge_bench_ingest" >/dev/null 2>&1
SURGE_REDIS_URL="${SURGE_REDIS_URL:-redis://127.0.0.1:6379}" SURGE_REDIS_KEY_PREFIX="bench-ingest-$$:" SURGE_PG_URL="$PG_SERVER/surge_bench_ingest" SURGE_BOOTSTRAP_KEY="$BENCH_KEY" SURGE_HTTP_PORT=$SURGE_PORT SURGE_MANAGEMENT_PORT=$(free_port) SURGE_KAFKA_BOOTSTRAP=$BOOTSTRAP SURGE_KAFKA_TOPIC=bench.events SURGE_ROLES=ingest \
  java ${SURGE_JAVA_OPTS:-} -jar target/surge.jar run > "$WORK/surge.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SURGE_PORT/health/ready"
# measure with auth and rate limiting on: a key of its own whose limits are set far above what this box can do
[[ "${BENCH_RATE_LIMITS:-1}" == 1 ]] && BENCH_KEY=$(curl -fs -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
  "http://127.0.0.1:$SURGE_PORT/v1/admin/keys" --data \
  '{"tenant":"bench","scopes":["ingest"],"limits":{"requestsPerSecond":1000000000,"eventsPerSecond":2000000000}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
export BENCH_KEY
run_wrk surge-single 1 "http://127.0.0.1:$SURGE_PORT/v1/events"
run_wrk surge-batch100 100 "http://127.0.0.1:$SURGE_PORT/v1/events"

{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n1); date $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "Command: DURATION=$DURATION WARMUP_SECONDS=$WARMUP_SECONDS CONNECTIONS=$CONNECTIONS THREADS=$THREADS scripts/bench-ingest.sh"
  echo
  echo "| run | events/request | requests/s | events/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo "| kafka-producer-perf (300 B, acks=all) | 1 | - | $PERF_RATE | ${PERF_P50} ms | ${PERF_P99} ms | - |"
} | tee target/bench-ingest.md
