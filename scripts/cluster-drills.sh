#!/usr/bin/env bash
# Fault drills against the cluster of scripts/cluster.sh (start it first). Each drill sends single events at
# RATE/s through the balancer with io.surge.dev.ClusterLoad (a client that retries a failed event, same id,
# until it gets a 202), does its fault, and then compares the ledger of 202s with Postgres.
#   spread      load reaches both ingest processes (their surge_ingest_events_accepted_total)
#   ingestkill  kill -9 of ingest2 under load: what clients see, when the balancer stops sending it anything
#   brokerkill  kill -9 of the broker leading partition 0 under load, restart 20 s later: the pause, the rejoin
#   workerstop  SIGTERM of worker2 under load, start 20 s later: partitions move over and back, lag drains
# Results: target/cluster-drills/<drill>/ (answers.log, ledger.txt, result.txt) and target/cluster-drills.md.
# Usage: scripts/cluster-drills.sh [drill ...]   (RATE=200 DURATION=40: seconds of load per drill)
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${CLUSTER_DIR:-$PWD/.surge/cluster}
[[ -f "$RUN/cluster.env" ]] || { echo "no cluster in $RUN: scripts/cluster.sh first" >&2; exit 1; }
source "$RUN/cluster.env"
source "$RUN/bootstrap.env"
RATE=${RATE:-200}
SECONDS_OF_LOAD=${DURATION:-40}
BALANCER=http://127.0.0.1:$BALANCER_PORT
PG=$PG_SERVER/$PG_DATABASE
CP="target/classes:$(cat target/dev.classpath):$(cat target/runtime.classpath)"
KAFKA_CP="$(cat "$RUN/kafka.classpath")"
OUT=target/cluster-drills
mkdir -p "$OUT"
port() { local v="$1_$2"; echo "${!v}"; }
now_ms() { date +%s%3N; }
pid_of() { cat "$RUN/pids/$1.pid"; }
accepted() { curl -fs "http://127.0.0.1:$(port MGMT_PORT "$1")/metrics" | awk '/^surge_ingest_events_accepted_total/ {s += $2} END {printf "%d", s}'; }
metric() { curl -fs "http://127.0.0.1:$(port MGMT_PORT "$1")/metrics" | awk -v m="$2" 'index($0, m) == 1 {s += $NF} END {printf "%d", s}'; }
topics() { java -Dlogback.configurationFile="$RUN/conf/logback-tools.xml" -cp "$KAFKA_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "$@" 2>/dev/null; }
wait_ready() { for _ in $(seq 1 1200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }

# cluster_ready: every Surge process ready and the balancer sending to both HTTP processes, before a drill starts
cluster_ready() {
  local n
  for n in ingest1 ingest2 worker1 worker2; do
    wait_ready "http://127.0.0.1:$(port MGMT_PORT "$n")/health/ready" || { echo "$n is not ready" >&2; exit 1; }
  done
  for _ in $(seq 1 100); do
    (( $(curl -fs "http://127.0.0.1:$BALANCER_STATS_PORT/;csv" | grep -c '^surge_http,ingest[12],.*,UP') == 2 )) && return 0
    sleep 0.2
  done
  echo "the balancer does not see both HTTP processes UP" >&2; exit 1
}

# start_load DRILL: the client in the background; sets DIR, SOURCE, LOAD_PID and T0 (epoch ms)
start_load() {
  DIR=$OUT/$1
  rm -rf "$DIR"; mkdir -p "$DIR"
  SOURCE=/cluster/$1-$(date +%s)
  T0=$(now_ms)
  java -Xmx256m -Dlogback.configurationFile="$RUN/conf/logback-tools.xml" -cp "$CP" io.surge.dev.ClusterLoad "$BALANCER" "$SURGE_BOOTSTRAP_KEY" "$SOURCE" "$RATE" \
    "$SECONDS_OF_LOAD" "$DIR" > "$DIR/load.log" 2>&1 &
  LOAD_PID=$!
}
# at SECONDS: sleeps until that many seconds after the load started (the drill's clock, not synchronisation)
at() { local wait=$(( T0 + $1 * 1000 - $(now_ms) )); (( wait > 0 )) && sleep "$(awk -v w="$wait" 'BEGIN {print w / 1000}')"; return 0; }
note() { echo "$*" | tee -a "$DIR/result.txt"; }

# finish: waits for the client, then for every acknowledged event to be in Postgres (up to 120 s), and notes
# what was lost and what is there twice
finish() {
  wait "$LOAD_PID" || { cat "$DIR/load.log" >&2; exit 1; }
  note "client: $(tail -n 1 "$DIR/load.log")"
  local acked missing=-1 t_end
  acked=$(wc -l < "$DIR/ledger.txt")
  t_end=$(now_ms)
  for _ in $(seq 1 240); do
    missing=$(psql "$PG" -qtAX -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE ledger (id text PRIMARY KEY);
\copy ledger FROM '$DIR/ledger.txt'
SELECT count(*) FROM ledger l WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.source = '$SOURCE' AND e.id = l.id);
SQL
)
    [[ "$missing" == 0 ]] && break
    sleep 0.5
  done
  local rows
  rows=$(psql "$PG" -qtAX -c "SELECT count(*) || ' rows, ' || count(DISTINCT id) || ' distinct ids' FROM events WHERE source = '$SOURCE'")
  note "ledger: $acked acknowledged; not in Postgres $(( $(now_ms) - t_end )) ms after the load: $missing; Postgres: $rows"
  RESULT_LOST=$missing
}

# failures_after MS: the failed answers after that time, by kind, and when the last one was
failures_after() {
  awk -v t="$1" '$1 >= t && $3 != "202" {n[$3]++; last = $1} END {for (k in n) printf "%s %d, ", k, n[k]; if (last) printf "last %.1f s after", (last - t) / 1000; else printf "none"}' "$DIR/answers.log"
}
# longest_gap_after MS: the longest time without any 202 after that time, and when it started
longest_gap_after() {
  awk -v t="$1" '$3 == "202" && $1 >= t {print $1}' "$DIR/answers.log" | sort -n \
    | awk -v t="$1" 'NR == 1 {prev = t} {if ($1 - prev > gap) {gap = $1 - prev; from = prev} prev = $1} END {printf "%.2f s (from %.1f s after the fault)", gap / 1000, (from - t) / 1000}'
}

drill_spread() {
  local a1 a2 b1 b2
  a1=$(accepted ingest1); a2=$(accepted ingest2)
  start_load spread
  finish
  b1=$(accepted ingest1); b2=$(accepted ingest2)
  note "accepted by ingest1: $((b1 - a1)), by ingest2: $((b2 - a2)) (surge_ingest_events_accepted_total before and after)"
  (( b1 > a1 && b2 > a2 && RESULT_LOST == 0 ))
}

drill_ingestkill() {
  start_load ingestkill
  at 10
  local fault a2 victim=ingest2
  a2=$(accepted "$victim")
  fault=$(now_ms)
  kill -9 "$(pid_of "$victim")"
  note "kill -9 $victim at $(( (fault - T0) / 1000 )) s of load"
  local down=""
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$BALANCER_STATS_PORT/;csv" | grep -q "^surge_http,$victim,.*,DOWN"; then down=$(now_ms); break; fi
    sleep 0.1
  done
  note "balancer marks $victim DOWN $(( ${down:-0} - fault )) ms after the kill (checks every 1 s, fall 2)"
  at $((SECONDS_OF_LOAD - 5))
  scripts/cluster.sh start "$victim" > /dev/null
  finish
  note "failed answers after the kill: $(failures_after "$fault") the kill"
  note "longest time without a 202 after the kill: $(longest_gap_after "$fault")"
  wait_ready "http://127.0.0.1:$(port MGMT_PORT "$victim")/health/ready" && note "$victim started again and ready"
  (( RESULT_LOST == 0 ))
}

drill_brokerkill() {
  local leader victim fault restarted isr_ok=""
  leader=$(topics --describe --topic surge.events | awk '$3 == "0" && $4 == "Leader:" {print $5}' | head -n 1)
  [[ -n "$leader" ]] || leader=$(topics --describe --topic surge.events | grep -o 'Partition: 0.*' | awk '{print $4}')
  victim=broker$leader
  start_load brokerkill
  at 10
  fault=$(now_ms)
  kill -9 "$(pid_of "$victim")"
  note "kill -9 $victim (leader of surge.events partition 0) at $(( (fault - T0) / 1000 )) s of load"
  topics --describe --topic surge.events > "$DIR/topic-after-kill.txt" || true
  at 30
  scripts/cluster.sh start "$victim" > /dev/null
  restarted=$(now_ms)
  note "$victim started again $(( (restarted - fault) / 1000 )) s after the kill"
  for _ in $(seq 1 120); do
    if [[ -z "$(topics --describe --topic surge.events --under-replicated-partitions)" ]]; then isr_ok=$(now_ms); break; fi
    sleep 1
  done
  topics --describe --topic surge.events > "$DIR/topic-after-restart.txt" || true
  note "every partition has 3 in-sync replicas again $(( ${isr_ok:-0} - restarted )) ms after the restart ($DIR/topic-after-restart.txt)"
  finish
  note "failed answers after the kill: $(failures_after "$fault") the kill"
  note "longest time without a 202 after the kill: $(longest_gap_after "$fault")"
  [[ -n "$isr_ok" ]] && (( RESULT_LOST == 0 ))
}

assigned() { metric "$1" kafka_consumer_coordinator_assigned_partitions; }
rows() { psql "$PG" -qtAX -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_seq_seq"; }
# backlog: events accepted by the ingest processes (since they started) and not yet in Postgres, plus a constant;
# rows first, so that an event accepted meanwhile counts as waiting rather than the other way round
sample_backlog() { local r; r=$(rows); echo $(( $(accepted ingest1) + $(accepted ingest2) - r )); }
# sample_workers: every second, seconds since the load started, each worker's partitions, and the backlog
# (accepted but not in Postgres: the group's lag plus what is in flight) into workers.tsv
sample_workers() {
  local base
  base=$(sample_backlog)
  echo "t_s worker1_partitions worker2_partitions backlog" > "$DIR/workers.tsv"
  while kill -0 "$LOAD_PID" 2>/dev/null; do
    echo "$(( ($(now_ms) - T0) / 1000 )) $(assigned worker1) $(assigned worker2) $(( $(sample_backlog) - base ))" >> "$DIR/workers.tsv"
    sleep 1
  done
}
# first_time CONDITION: polls the condition every 200 ms for up to 60 s; prints the epoch ms it first held
first_time() { for _ in $(seq 1 300); do eval "$1" && { now_ms; return 0; }; sleep 0.2; done; echo 0; }
drill_workerstop() {
  start_load workerstop
  sample_workers &
  at 5
  note "assigned partitions before: worker1 $(assigned worker1), worker2 $(assigned worker2)"
  local stop moved started ready back
  stop=$(now_ms)
  scripts/cluster.sh stop worker2 > /dev/null &
  moved=$(first_time '(( $(assigned worker1) == 6 ))')
  wait $!
  note "worker2 sent SIGTERM at 5 s: worker1 has all 6 partitions $((moved - stop)) ms later; worker2 exited $(( $(now_ms) - stop )) ms after the signal"
  at 20
  started=$(now_ms)
  scripts/cluster.sh start worker2 > /dev/null
  wait_ready "http://127.0.0.1:$(port MGMT_PORT worker2)/health/ready"
  ready=$(now_ms)
  back=$(first_time '(( $(assigned worker2) > 0 ))')
  note "worker2 started again at 20 s: ready $((ready - started)) ms later, partitions (worker1 $(assigned worker1), worker2 $(assigned worker2)) $((back - started)) ms after the start"
  finish
  note "after the load: lag worker1 $(metric worker1 surge_worker_lag_records), worker2 $(metric worker2 surge_worker_lag_records); rows inserted by worker1 $(metric worker1 surge_worker_events_persisted_total), by worker2 since its start $(metric worker2 surge_worker_events_persisted_total); highest backlog sampled (accepted, not in Postgres) $(awk 'NR > 1 && $4 > m {m = $4; t = $1} END {printf "%d at %d s", m, t}' "$DIR/workers.tsv"), at the end of the load $(tail -n 1 "$DIR/workers.tsv" | awk '{print $4}') ($DIR/workers.tsv)"
  (( back > 0 && moved > 0 && RESULT_LOST == 0 ))
}

drills=("$@")
(( ${#drills[@]} )) || drills=(spread ingestkill brokerkill workerstop)
status=0
{
  echo "Cluster drills, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, RATE=$RATE/s DURATION=$SECONDS_OF_LOAD s"
} > "$OUT/header.txt"
for d in "${drills[@]}"; do
  echo "== $d" >&2
  cluster_ready
  if "drill_$d"; then verdict=PASS; else verdict=FAIL; status=1; fi
  echo "$verdict" >> "$OUT/$d/result.txt"
  echo "== $d $verdict" >&2
done
{
  cat "$OUT/header.txt"
  for d in "${drills[@]}"; do echo; echo "### $d"; sed 's/^/    /' "$OUT/$d/result.txt"; done
} > "$OUT/../cluster-drills.md"
cat "$OUT/../cluster-drills.md"
exit $status
