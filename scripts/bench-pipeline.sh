#!/usr/bin/env bash
# End-to-end pipeline benchmark, all on this machine (loopback), in one run:
#   1. Postgres ceiling: pgbench, 4 clients, 500-row inserts into the events table, multi-row VALUES and UNNEST
#   2. stage costs alone: HTTP batch ingest -> Kafka (wrk, no workers), then workers Kafka -> Postgres + Redis
#      draining what stage 1 wrote (no HTTP); the composed ceiling is 1 / (1/ingest + 1/worker)
#   3. end-to-end latency at RATE/2: all roles in one process, PipelineBench posting batches of 100 at RATE/2
#      plus a probe event every 100 ms, 202 -> GET /v1/events/{id} finds it (after a WARMUP_SECONDS warm-up)
#   4. sustained end-to-end rate: the same process, PipelineBench at RATE events/s for 60 s after a 15 s
#      warm-up at that rate, sampling rows in Postgres and the lag (accepted - persisted) every 5 s
#   5. cached GET /v1/subjects/{subject}/latest with wrk
# Needs: a Postgres to write to (SURGE_PG_URL, default this machine's 127.0.0.1:5432, user postgres), Redis
# (SURGE_REDIS_URL, default 127.0.0.1:6379), pgbench and wrk. Writes target/bench-pipeline.md.
# Usage: scripts/bench-pipeline.sh   (RATE=32000 SECONDS_E2E=60 STAGE_SECONDS=15 WARMUP_SECONDS=45)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-32000}
SECONDS_E2E=${SECONDS_E2E:-60}
STAGE_SECONDS=${STAGE_SECONDS:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-45}
PG_BASE=${SURGE_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
REDIS_URL=${SURGE_REDIS_URL:-redis://127.0.0.1:6379}
PG_SERVER=${PG_BASE%/*}
# the key wrk (scripts/bench/events.lua) and PipelineBench send; every Surge here takes it as its bootstrap key
export BENCH_KEY=${BENCH_KEY:-bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}

command -v pgbench >/dev/null || { echo "pgbench is missing (apt-get install postgresql-client)" >&2; exit 1; }
source scripts/bench/common.sh surge-bench-pipeline
RUN=$(date +%s)
psql_admin() { psql "$PG_SERVER/postgres" -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
fresh_db() { psql_admin "DROP DATABASE IF EXISTS $1" >/dev/null 2>&1; echo "$PG_SERVER/$1"; }
rows() { psql "$1" -qtAX -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_seq_seq"; }
ROWS=()

echo "## broker" >&2
start_kafka

echo "## 1. Postgres ceiling (pgbench, 4 clients, 500 rows per insert)" >&2
PGB=$(fresh_db surge_pgbench)
psql_admin "CREATE DATABASE surge_pgbench" >/dev/null
psql "$PGB" -qX -v ON_ERROR_STOP=1 -f src/main/resources/db/V1__events.sql >/dev/null
python3 - "$WORK" <<'PY'
import sys
work = sys.argv[1]
cols = "tenant, source, id, type, specversion, datacontenttype, subject, time, ts, extensions, data_json, received_at, kafka_topic, kafka_partition, kafka_offset"
data = '{"sensor":"s-17","temperature":21.5,"humidity":0.43,"note":"' + "x" * 88 + '"}'
rows = ",\n".join(
    f"('default','/pgbench',gen_random_uuid()::text,'com.example.bench.reading','1.0','application/json','sensor-{i % 100}',"
    f"'2026-11-28T10:00:00Z','2026-11-28T10:00:00Z','{{}}','{data}',now(),'bench',0,{i})" for i in range(500))
open(f"{work}/multirow.sql", "w").write(f"INSERT INTO events ({cols}) VALUES\n{rows}\nON CONFLICT DO NOTHING;\n")
arr = lambda vals, t: "ARRAY[" + ",".join(vals) + f"]::{t}[]"
n = range(500)
unnest = (f"INSERT INTO events ({cols})\nSELECT t, s, i, ty, sv, dct, sub, tm, ts, ext::jsonb, dj::jsonb, now(), kt, kp, ko FROM unnest(\n"
  + ",\n".join([arr(["'default'"] * 500, "text"), arr(["'/pgbench'"] * 500, "text"),
                "ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1,500))",
                arr(["'com.example.bench.reading'"] * 500, "text"), arr(["'1.0'"] * 500, "text"),
                arr(["'application/json'"] * 500, "text"), arr([f"'sensor-{i % 100}'" for i in n], "text"),
                arr(["'2026-11-28T10:00:00Z'"] * 500, "text"), arr(["'2026-11-28T10:00:00Z'"] * 500, "timestamptz"),
                arr(["'{}'"] * 500, "text"), arr([f"'{data}'"] * 500, "text"), arr(["'bench'"] * 500, "text"),
                arr(["0"] * 500, "int"), arr([str(i) for i in n], "bigint")])
  + ")\nAS u(t, s, i, ty, sv, dct, sub, tm, ts, ext, dj, kt, kp, ko)\nON CONFLICT DO NOTHING;\n")
open(f"{work}/unnest.sql", "w").write(unnest)
PY
for script in multirow unnest; do
  pgbench -n -c 4 -j 2 -T "$STAGE_SECONDS" -f "$WORK/$script.sql" "$PGB" > "$WORK/pgbench-$script.txt" 2>&1
  tps=$(awk '/^tps/ {print $3; exit}' "$WORK/pgbench-$script.txt")
  ROWS+=("| Postgres ceiling: pgbench, 4 clients, 500-row $script insert | $(python3 -c "print(round($tps * 500))") rows/s | $(awk '/latency average/ {print $4 " ms per statement"}' "$WORK/pgbench-$script.txt") |")
done
psql_admin "DROP DATABASE surge_pgbench" >/dev/null

surge() { # surge NAME ROLES TOPIC DB [extra env...] -> starts Surge, sets SURGE_URL
  local name=$1 roles=$2 topic=$3 db=$4; shift 4
  local port; port=$(free_port)
  env SURGE_HTTP_PORT="$port" SURGE_MANAGEMENT_PORT="$(free_port)" SURGE_ROLES="$roles" SURGE_KAFKA_BOOTSTRAP="$BOOTSTRAP" SURGE_KAFKA_TOPIC="$topic" \
    SURGE_PG_URL="$db" SURGE_BOOTSTRAP_KEY="$BENCH_KEY" SURGE_REDIS_URL="$REDIS_URL" SURGE_REDIS_KEY_PREFIX="bench-$RUN-$name:" \
    SURGE_PIPELINE_GROUP_ID="bench-$RUN-$name" "$@" java -jar target/surge.jar run > "$WORK/surge-$name.log" 2>&1 &
  PIDS+=($!)
  SURGE_URL="http://127.0.0.1:$port"
}

echo "## 2a. stage alone: HTTP batch ingest -> Kafka" >&2
surge ingest ingest "stage.$RUN" "$PG_BASE"
wait_http "$SURGE_URL/health/ready"
BENCH_RUN="w$RUN" BENCH_EVENTS=100 wrk -t2 -c16 -d3s -s scripts/bench/events.lua "$SURGE_URL/v1/events" >/dev/null 2>&1
BENCH_RUN="m$RUN" BENCH_EVENTS=100 wrk -t2 -c16 -d"${STAGE_SECONDS}s" --latency -s scripts/bench/events.lua "$SURGE_URL/v1/events" > "$WORK/wrk-ingest.txt"
INGEST_RATE=$(awk '/Requests\/sec/ {printf "%d", $2 * 100}' "$WORK/wrk-ingest.txt")
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
ROWS+=("| stage alone: HTTP batch ingest -> Kafka (wrk, 16 connections, 100 events/request) | $INGEST_RATE events/s | |")

echo "## 2b. stage alone: workers Kafka -> Postgres + Redis" >&2
DB=$(fresh_db "surge_bench_worker_$RUN")
surge worker worker "stage.$RUN" "$DB"
for _ in $(seq 1 600); do [[ "$(rows "$DB" 2>/dev/null || echo 0)" -gt 0 ]] && break; sleep 0.1; done
r0=$(rows "$DB"); t0=$(date +%s.%N)
sleep "$STAGE_SECONDS"
r1=$(rows "$DB"); t1=$(date +%s.%N)
WORKER_RATE=$(python3 -c "print(round(($r1 - $r0) / ($t1 - $t0)))")
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
ROWS+=("| stage alone: workers Kafka -> Postgres + Redis (draining a backlog) | $WORKER_RATE events/s | |")
COMPOSED=$(python3 -c "print(round(1 / (1 / $INGEST_RATE + 1 / $WORKER_RATE)))")
ROWS+=("| composed ceiling 1 / (1/ingest + 1/worker) | $COMPOSED events/s | |")

echo "## 3. latency at $((RATE / 2)) events/s (after a $WARMUP_SECONDS s warm-up at that rate)" >&2
DB=$(fresh_db "surge_bench_e2e_$RUN")
surge e2e ingest,worker,query "e2e.$RUN" "$DB"
wait_http "$SURGE_URL/health/ready"
java -cp "$CP" io.surge.dev.PipelineBench "$SURGE_URL" "$DB" $((RATE / 2)) 100 30 100 "$WARMUP_SECONDS" | tee "$WORK/latency.txt" >&2
ROWS+=("| e2e latency at $((RATE / 2)) events/s (202 -> GET finds it) | $(grep -o 'p50 .*' "$WORK/latency.txt") | $(grep -o '[0-9]* probes' "$WORK/latency.txt"); worst probe per 5 s: $(awk 'NR>1 && NF==5 {printf "%s ", $5}' "$WORK/latency.txt")ms |")

echo "## 4. sustained end to end at $RATE events/s" >&2
java -cp "$CP" io.surge.dev.PipelineBench "$SURGE_URL" "$DB" "$RATE" 100 "$SECONDS_E2E" 0 15 | tee "$WORK/e2e.txt" >&2
ROWS+=("| sustained e2e, asked $RATE events/s for $SECONDS_E2E s: accepted | $(grep -o 'accepted .*' "$WORK/e2e.txt" | grep -o '([0-9]* events/s)' | tr -d '()') | |")
ROWS+=("| sustained e2e: persisted in the window | $(grep -o 'persisted [0-9]* events in the window ([0-9]* events/s)' "$WORK/e2e.txt" | grep -o '([0-9]* events/s)' | tr -d '()') | $(grep -o 'all persisted .*' "$WORK/e2e.txt") |")
ROWS+=("| sustained e2e: lag (accepted - persisted) every 5 s | $(grep -o 'lag .*: .*' "$WORK/e2e.txt" | sed 's/.*: //') | |")

echo "## 5. cached GET latest" >&2
wrk -t2 -c64 -d3s -H "Authorization: Bearer $BENCH_KEY" "$SURGE_URL/v1/subjects/sensor-1/latest" >/dev/null 2>&1
wrk -t2 -c64 -d"${STAGE_SECONDS}s" --latency -H "Authorization: Bearer $BENCH_KEY" "$SURGE_URL/v1/subjects/sensor-1/latest" > "$WORK/wrk-latest.txt"
ROWS+=("| cached GET /v1/subjects/{subject}/latest (wrk, 64 connections) | $(awk '/Requests\/sec/ {printf "%d", $2}' "$WORK/wrk-latest.txt") req/s | p50 $(awk '$1=="50%" {print $2}' "$WORK/wrk-latest.txt"), p99 $(awk '$1=="99%" {print $2}' "$WORK/wrk-latest.txt"), non-2xx $(awk '/Non-2xx/ {print $5}' "$WORK/wrk-latest.txt" | grep . || echo 0) |")

{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n1), $(psql "$PG_SERVER/postgres" -qtAX -c 'SHOW server_version'); date $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "Command: RATE=$RATE SECONDS_E2E=$SECONDS_E2E STAGE_SECONDS=$STAGE_SECONDS WARMUP_SECONDS=$WARMUP_SECONDS scripts/bench-pipeline.sh"
  echo
  echo "| measurement | result | notes |"
  echo "|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee target/bench-pipeline.md
for db in "surge_bench_worker_$RUN" "surge_bench_e2e_$RUN"; do psql_admin "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
