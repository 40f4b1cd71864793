#!/usr/bin/env bash
# Throughput of the cluster of scripts/cluster.sh (start it first), and where the CPU goes:
#   ingest through the balancer (wrk, scripts/bench/events.lua, single events and batches of 100) after a warm-up
#   of both ingest processes (FIRST_WARMUP_SECONDS), with both, then with ingest2 out of the balancer (HAProxy's
#   runtime API: its JVM stays warm and idle), then with both again; the workers are stopped meanwhile, so the
#   events pile up in Kafka
#   persist: worker1 alone drains that backlog for DRAIN_SECONDS, then worker1 and worker2 together
# Every stage runs under pidstat (1 s samples) on every cluster process: the CPU of each, in cores, next to the
# rate, gives events/s per core. Writes target/cluster-bench.md. Heavy: hold the bench lock, e.g.
#   flock /tmp/surge-bench.lock scripts/cluster-bench.sh   (DURATION=15 WARMUP_SECONDS=10 FIRST_WARMUP_SECONDS=60
#   CONNECTIONS=64 DRAIN_SECONDS=20
#   PRELOAD_SECONDS=30: batches for the workers' backlog after the measured ingest; a persist stage whose backlog
#   ran out says so in its row)
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${CLUSTER_DIR:-$PWD/.surge/cluster}
[[ -f "$RUN/cluster.env" ]] || { echo "no cluster in $RUN: scripts/cluster.sh first" >&2; exit 1; }
source "$RUN/cluster.env"
for tool in wrk:wrk pidstat:sysstat socat:socat; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    echo "${tool%%:*} is missing; installing ${tool#*:} from Debian's packages" >&2
    { apt-get update -qq && apt-get install -y -qq "${tool#*:}"; } >/dev/null || { echo "install ${tool#*:} and retry" >&2; exit 1; }
  fi
done
DURATION=${DURATION:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
FIRST_WARMUP_SECONDS=${FIRST_WARMUP_SECONDS:-60}
CONNECTIONS=${CONNECTIONS:-64}
DRAIN_SECONDS=${DRAIN_SECONDS:-20}
PRELOAD_SECONDS=${PRELOAD_SECONDS:-30}
BALANCER=http://127.0.0.1:$BALANCER_PORT
PG=$PG_SERVER/$PG_DATABASE
OUT=target/cluster-bench
mkdir -p "$OUT"
export BENCH_KEY=$SURGE_BOOTSTRAP_KEY BENCH_RUN=cb$(date +%s)
PARTS=(broker1 broker2 broker3 ingest1 ingest2 worker1 worker2 balancer)
port() { local v="$1_$2"; echo "${!v}"; }
rows() { psql "$PG" -qtAX -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_seq_seq"; }
now_ms() { date +%s%3N; }
assigned() { curl -fs "http://127.0.0.1:$(port MGMT_PORT "$1")/metrics" | awk 'index($0, "kafka_consumer_coordinator_assigned_partitions") == 1 {s += $NF} END {printf "%d", s}'; }
wait_ready() { for _ in $(seq 1 1200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not ready: $1" >&2; exit 1; }

# cpu_start NAME / cpu_stop NAME: pidstat over every running cluster process (and the whole machine from
# /proc/stat), then one line: each process's mean CPU in cores
cpu_start() {
  local pids=() part
  for part in "${PARTS[@]}"; do [[ -f "$RUN/pids/$part.pid" ]] && kill -0 "$(cat "$RUN/pids/$part.pid")" 2>/dev/null && pids+=("$(cat "$RUN/pids/$part.pid")"); done
  pidstat -u -h -p "$(IFS=,; echo "${pids[*]}")" 1 > "$OUT/$1.pidstat" 2>&1 &
  PIDSTAT=$!
  # the engines and tools that are not cluster.sh's own processes, by command name
  pidstat -u -h -C 'postgres|redis-server|wrk' 1 > "$OUT/$1.others" 2>&1 &
  PIDSTAT_OTHERS=$!
  STAT0=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat)
}
cpu_stop() {
  kill "$PIDSTAT" "$PIDSTAT_OTHERS"; wait "$PIDSTAT" "$PIDSTAT_OTHERS" 2>/dev/null || true
  local stat1 part pid line=""
  stat1=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat)
  for part in "${PARTS[@]}"; do
    pid=$(cat "$RUN/pids/$part.pid" 2>/dev/null) || continue
    line+="$part $(awk -v p="$pid" '$1 != "#" && $3 == p {s += $8; n++} END {if (n) printf "%.2f", s / n / 100; else printf "-"}' "$OUT/$1.pidstat"), "
  done
  # postgres and redis-server: all their processes together
  line+=$(awk '$1 != "#" && NF > 9 {s[$NF] += $8; if (!($1 in t)) {t[$1]; n++}} END {for (c in s) if (c == "postgres" || c == "redis-server" || c == "wrk") printf "%s %.2f, ", c, s[c] / n / 100}' "$OUT/$1.others")
  CPU_LINE="${line}machine busy $(echo "$STAT0 $stat1" | awk '{busy = $3 - $1; idle = $4 - $2; printf "%.2f", 2 * busy / (busy + idle)}') of 2"
  echo "$1 CPU (cores): $CPU_LINE" >&2
}
# cores PARTS...: the sum of those processes' cores from CPU_LINE
cores() { local p s=0; for p in "$@"; do s=$(echo "$CPU_LINE" | tr ',' '\n' | awk -v p="$p" -v s="$s" '$1 == p && $2 != "-" {s += $2} END {print s}'); done; echo "$s"; }

lag() { curl -fs "http://127.0.0.1:$(port MGMT_PORT worker1)/metrics" "http://127.0.0.1:$(port MGMT_PORT worker2)/metrics" 2>/dev/null | awk 'index($0, "surge_worker_lag_records") == 1 {s += $NF} END {printf "%d", s}'; }
# produce_requests: the produce requests both ingest producers have sent so far (kafka_producer_request_total)
produce_requests() {
  curl -fs "http://127.0.0.1:$(port MGMT_PORT ingest1)/metrics" "http://127.0.0.1:$(port MGMT_PORT ingest2)/metrics" \
    | awk 'index($0, "kafka_producer_request_total{") == 1 && index($0, "client_id=\"surge-ingest\"") {s += $NF} END {printf "%d", s}'
}
ROWS=()
# ingest NAME EVENTS_PER_REQUEST INGEST_PARTS...: warm-up, then the measured wrk run under pidstat
ingest() {
  local name=$1 events=$2; shift 2
  BENCH_EVENTS=$events wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s scripts/bench/events.lua "$BALANCER" > /dev/null 2>&1
  local requests0 requests1
  requests0=$(produce_requests)
  cpu_start "$name"
  BENCH_EVENTS=$events wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s scripts/bench/events.lua "$BALANCER" > "$OUT/$name.wrk" 2>&1
  cpu_stop "$name"
  requests1=$(produce_requests)
  local rps p99 errors eps c sent
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' "$OUT/$name.wrk")
  sent=$(awk '/requests in/ {print $1}' "$OUT/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.wrk")
  errors=$(awk '/Non-2xx/ {print $5}' "$OUT/$name.wrk"); errors=${errors:-0}
  eps=$((rps * events))
  c=$(cores "$@")
  # events per produce request: what the brokers' per-request cost is spread over
  ROWS+=("| $name | $events | $eps | $p99 | $errors | $(awk -v e="$((sent * events))" -v r="$((requests1 - requests0))" 'BEGIN {printf "%.1f", (r > 0 ? e / r : 0)}') | $c | $(awk -v e="$eps" -v c="$c" 'BEGIN {printf "%d", (c > 0 ? e / c : 0)}') | $CPU_LINE |")
}

# persist NAME WORKERS...: rows inserted per second over DRAIN_SECONDS while those workers drain the backlog
persist() {
  local name=$1; shift
  local r0 r1 t0 t1
  r0=$(rows); t0=$(now_ms)
  cpu_start "$name"
  sleep "$DRAIN_SECONDS"
  r1=$(rows); t1=$(now_ms)
  cpu_stop "$name"
  local eps c
  eps=$(( (r1 - r0) * 1000 / (t1 - t0) ))
  c=$(cores "$@")
  ROWS+=("| $name | - | $eps | backlog left $(lag) | - | - | $c | $(awk -v e="$eps" -v c="$c" 'BEGIN {printf "%d", (c > 0 ? e / c : 0)}') | $CPU_LINE |")
  echo "$name: $eps rows/s" >&2
}

echo "## workers stopped: the ingested events wait in Kafka" >&2
scripts/cluster.sh stop worker1 & scripts/cluster.sh stop worker2 & wait
ROWS_BEFORE=$(rows)

# balancer disable|enable SERVER: takes an ingest process out of (or back into) the balancer's rotation
balancer() { echo "$1 server surge_http/$2" | socat - "UNIX-CONNECT:$RUN/haproxy.sock" > /dev/null; }
[[ -S "$RUN/haproxy.sock" ]] || { echo "no HAProxy runtime socket $RUN/haproxy.sock: restart the cluster with this scripts/cluster.sh" >&2; exit 1; }

# Freshly started JVMs are slow for a minute (JIT); whatever ran first used to lose. Warm both, then run
# 2 - 1 - 2 processes, so that an order effect shows as a gap between the two 2-process rows.
echo "## warm-up: $FIRST_WARMUP_SECONDS s of each size through the balancer" >&2
for events in 1 100; do
  BENCH_EVENTS=$events wrk -t2 -c"$CONNECTIONS" -d"${FIRST_WARMUP_SECONDS}s" -s scripts/bench/events.lua "$BALANCER" > /dev/null 2>&1
done
echo "## ingest with 2 processes" >&2
ingest ingest-2proc-single 1 ingest1 ingest2
ingest ingest-2proc-batch100 100 ingest1 ingest2
echo "## ingest with 1 process (ingest2 out of the balancer, its JVM idle)" >&2
balancer disable ingest2
ingest ingest-1proc-single 1 ingest1
ingest ingest-1proc-batch100 100 ingest1
balancer enable ingest2
echo "## ingest with 2 processes again" >&2
ingest ingest-2proc-single-again 1 ingest1 ingest2
ingest ingest-2proc-batch100-again 100 ingest1 ingest2
echo "## backlog for the workers: $PRELOAD_SECONDS s of batches" >&2
BENCH_EVENTS=100 wrk -t2 -c"$CONNECTIONS" -d"${PRELOAD_SECONDS}s" -s scripts/bench/events.lua "$BALANCER" > "$OUT/preload.wrk" 2>&1

echo "## persist: worker1 alone, then both" >&2
scripts/cluster.sh start worker1 > /dev/null
wait_ready "http://127.0.0.1:$(port MGMT_PORT worker1)/health/ready"
for _ in $(seq 1 100); do (( $(assigned worker1) == 6 )) && break; sleep 0.2; done
persist persist-1worker worker1
scripts/cluster.sh start worker2 > /dev/null
wait_ready "http://127.0.0.1:$(port MGMT_PORT worker2)/health/ready"
for _ in $(seq 1 100); do (( $(assigned worker2) > 0 )) && break; sleep 0.2; done
persist persist-2workers worker1 worker2

{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -n1); $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "Command: DURATION=$DURATION WARMUP_SECONDS=$WARMUP_SECONDS FIRST_WARMUP_SECONDS=$FIRST_WARMUP_SECONDS CONNECTIONS=$CONNECTIONS DRAIN_SECONDS=$DRAIN_SECONDS PRELOAD_SECONDS=$PRELOAD_SECONDS scripts/cluster-bench.sh"
  echo "Rows in Postgres before: $ROWS_BEFORE, after: $(rows)"
  echo
  echo "| stage | events/request | events/s | p99 (ingest) or backlog left (persist) | non-2xx | events per produce request | cores of the measured Surge processes | events/s per such core | CPU of each process (cores, pidstat mean) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} > target/cluster-bench.md
cat target/cluster-bench.md
