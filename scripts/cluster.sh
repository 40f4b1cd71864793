#!/usr/bin/env bash
# A Surge cluster on this machine, every part its own process, as it would be spread over machines:
#   3 Kafka brokers (KRaft, each broker and controller, a controller quorum of 3), the events topic with
#   replication factor 3 and min.insync.replicas 2; 2 ingest+query Surge processes and 2 worker processes;
#   HAProxy in front of the HTTP processes, checking each one's /health/ready on its management port;
#   Prometheus scraping every Surge process and HAProxy. PostgreSQL and Redis are the machine's own
#   (SURGE_PG_SERVER, default postgresql://postgres@127.0.0.1:5432; SURGE_REDIS_URL, default
#   redis://127.0.0.1:6379), with a fresh database and Redis key prefix per cluster.
# Everything lives under .surge/cluster/ (CLUSTER_DIR): cluster.env (ports, key), pids/, logs/, conf/, data.
# Usage: scripts/cluster.sh            start the cluster and print where each part listens
#        scripts/cluster.sh stop       stop everything it started (SIGTERM, then SIGKILL after 20 s)
#        scripts/cluster.sh status     each part: running or not
#        scripts/cluster.sh start NAME start one part again (e.g. broker2, ingest1, worker2) after it stopped
#        scripts/cluster.sh stop NAME  stop one part (SIGTERM, then SIGKILL)
# KAFKA_BROKER_SESSION_TIMEOUT_MS (9000, Kafka's default) and KAFKA_BROKER_HEARTBEAT_INTERVAL_MS (2000): how soon
# the controller fences a broker that died, which is how long acks=all writes wait for it (docs/RELIABILITY.md).
# Needs Java 17+, Maven, psql, redis-cli; installs haproxy and prometheus from Debian when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN=${CLUSTER_DIR:-$ROOT/.surge/cluster}
BROKERS=(broker1 broker2 broker3)
HTTP_NODES=(ingest1 ingest2)
WORKERS=(worker1 worker2)
PARTS=("${BROKERS[@]}" "${HTTP_NODES[@]}" "${WORKERS[@]}" balancer prometheus)

pid_of() { cat "$RUN/pids/$1.pid" 2>/dev/null || true; }
# running NAME: its pid is alive and still this cluster's part (every part's command line names $RUN), so that a
# pid reused after a crash is never signalled
running() { local pid; pid=$(pid_of "$1"); [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN"; }

# launch NAME: runs conf/NAME.sh in a session of its own (so it outlives this script), logs to logs/NAME.log
launch() {
  local pidfile="$RUN/pids/$1.pid"
  rm -f "$pidfile"
  # the process writes its own pid (setsid may fork), closes what it inherited beyond stdio (a caller's lock, e.g.
  # flock of the bench lock, must not live on in a part) and then becomes the part through exec
  setsid bash -c 'echo $$ > "$1"; for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    exec bash "$2"' launch "$pidfile" "$RUN/conf/$1.sh" >> "$RUN/logs/$1.log" 2>&1 < /dev/null &
  for _ in $(seq 1 50); do [[ -s "$pidfile" ]] && return 0; sleep 0.1; done
  echo "$1 did not start; see $RUN/logs/$1.log" >&2; exit 1
}

# stop_part NAME: SIGTERM, then SIGKILL when it is still there after 20 s (Surge drains for a few seconds)
stop_part() {
  local pid; pid=$(pid_of "$1")
  if running "$1"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { echo "$1 ignored SIGTERM for 20 s: SIGKILL" >&2; kill -KILL "$pid" 2>/dev/null || true; }
  fi
  rm -f "$RUN/pids/$1.pid"
}

wait_http() {
  local url=$1 name=$2
  for _ in $(seq 1 1200); do
    curl -fs -o /dev/null "$url" && return 0
    running "$name" || { echo "$name exited while starting; see $RUN/logs/$name.log:" >&2; tail -n 20 "$RUN/logs/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name: no answer from $url after 120 s; see $RUN/logs/$name.log" >&2; exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "${1:-up}" in
  stop)
    if [[ -n "${2:-}" ]]; then stop_part "$2"; exit 0; fi
    # Surge first, while the brokers are there for the last flush and commit; the balancer keeps routing to
    # whichever process is still ready meanwhile; the brokers last
    for part in "${HTTP_NODES[@]}" "${WORKERS[@]}"; do stop_part "$part" & done; wait
    stop_part balancer & stop_part prometheus & wait
    for part in "${BROKERS[@]}"; do stop_part "$part" & done; wait
    echo "cluster stopped (data kept in $RUN; rm -rf it for a fresh one)"
    exit 0 ;;
  status)
    for part in "${PARTS[@]}"; do
      if running "$part"; then echo "$part running (pid $(pid_of "$part"))"; else echo "$part stopped"; fi
    done
    exit 0 ;;
  start)
    [[ -n "${2:-}" ]] || { echo "usage: $0 start NAME" >&2; exit 2; }
    running "$2" && { echo "$2 is running already" >&2; exit 1; }
    [[ -f "$RUN/conf/$2.sh" ]] || { echo "no part $2 in $RUN" >&2; exit 2; }
    launch "$2"
    echo "$2 started (pid $(pid_of "$2"))"
    exit 0 ;;
  up) ;;
  *) echo "usage: $0 [stop|status|start NAME|stop NAME]" >&2; exit 2 ;;
esac

for part in "${PARTS[@]}"; do
  if running "$part"; then
    echo "the cluster in $RUN is running already ($part, pid $(pid_of "$part")); scripts/cluster.sh stop first" >&2
    exit 1
  fi
done

for tool in haproxy prometheus; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is missing; installing it from Debian's packages" >&2
    { apt-get update -qq && apt-get install -y -qq "$tool"; } >/dev/null || { echo "install $tool and retry" >&2; exit 1; }
  fi
done

if [[ ! -f target/surge.jar || ! -f target/dev.classpath || ! -f target/runtime.classpath ]] \
   || [[ -n "$(find src conf pom.xml -newer target/surge.jar -print -quit)" ]]; then
  echo "building target/surge.jar ..." >&2
  mvn -B -q -DskipTests package
fi

mkdir -p "$RUN"/{pids,logs,conf}
# the processes run from copies, so a rebuild while the cluster runs changes nothing under them
cp target/surge.jar "$RUN/surge.jar"
echo "$(cat target/dev.classpath):$(cat target/runtime.classpath)" > "$RUN/kafka.classpath"
# Kafka logs through SLF4J to logback, whose default without a configuration file is DEBUG
cat > "$RUN/conf/logback-kafka.xml" <<'EOF'
<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.kafka.clients" level="WARN"/>
  <root level="INFO"><appender-ref ref="out"/></root>
</configuration>
EOF
# Kafka's command-line tools (TopicCommand, ...): warnings only, on stderr, so that stdout is their answer
cat > "$RUN/conf/logback-tools.xml" <<'EOF'
<configuration>
  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="err"/></root>
</configuration>
EOF
kafka_java() { java -Dlogback.configurationFile="$RUN/conf/logback-tools.xml" -cp "$(cat "$RUN/kafka.classpath")" "$@"; }

# Ports, key, database and Redis prefix are made once per cluster folder and kept, so a restart reuses the data.
if [[ ! -f "$RUN/cluster.env" ]]; then
  id=$(date -u +%Y%m%d%H%M%S)
  {
    echo "CLUSTER_ID=$id"
    echo "KAFKA_CLUSTER_ID=$(python3 -c 'import base64,uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')"
    echo "SURGE_BOOTSTRAP_KEY=cluster_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "PG_SERVER=${SURGE_PG_SERVER:-postgresql://postgres@127.0.0.1:5432}"
    echo "PG_DATABASE=surge_cluster_$id"
    echo "REDIS_URL=${SURGE_REDIS_URL:-redis://127.0.0.1:6379}"
    echo "REDIS_PREFIX=surge-cluster-$id:"
    for b in "${BROKERS[@]}"; do
      echo "PORT_$b=$(free_port)"
      echo "CONTROLLER_PORT_$b=$(free_port)"
    done
    for n in "${HTTP_NODES[@]}" "${WORKERS[@]}"; do
      echo "HTTP_PORT_$n=$(free_port)"
      echo "MGMT_PORT_$n=$(free_port)"
    done
    echo "BALANCER_PORT=${BALANCER_PORT:-$(free_port)}"
    echo "BALANCER_STATS_PORT=$(free_port)"
    echo "PROMETHEUS_PORT=$(free_port)"
  } > "$RUN/cluster.env"
  chmod 600 "$RUN/cluster.env"
fi
source "$RUN/cluster.env"
port() { local v="$1_$2"; echo "${!v}"; }

BOOTSTRAP=$(for b in "${BROKERS[@]}"; do printf '127.0.0.1:%s,' "$(port PORT "$b")"; done); BOOTSTRAP=${BOOTSTRAP%,}
VOTERS=""; i=0
for b in "${BROKERS[@]}"; do i=$((i + 1)); VOTERS+="$i@127.0.0.1:$(port CONTROLLER_PORT "$b"),"; done; VOTERS=${VOTERS%,}
echo "KAFKA_BOOTSTRAP=$BOOTSTRAP" > "$RUN/bootstrap.env"

# --- Kafka: one server.properties per broker, storage formatted once with the cluster's id
i=0
for b in "${BROKERS[@]}"; do
  i=$((i + 1))
  mkdir -p "$RUN/data/$b"
  cat > "$RUN/conf/$b.properties" <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://127.0.0.1:$(port PORT "$b"),CONTROLLER://127.0.0.1:$(port CONTROLLER_PORT "$b")
advertised.listeners=PLAINTEXT://127.0.0.1:$(port PORT "$b")
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$RUN/data/$b
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
auto.create.topics.enable=false
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
broker.session.timeout.ms=${KAFKA_BROKER_SESSION_TIMEOUT_MS:-9000}
broker.heartbeat.interval.ms=${KAFKA_BROKER_HEARTBEAT_INTERVAL_MS:-2000}
EOF
  if [[ ! -f "$RUN/data/$b/meta.properties" ]]; then
    kafka_java kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" \
      -c "$RUN/conf/$b.properties" > "$RUN/logs/$b-format.log" 2>&1 \
      || { echo "formatting $b failed:" >&2; cat "$RUN/logs/$b-format.log" >&2; exit 1; }
  fi
  cat > "$RUN/conf/$b.sh" <<EOF
exec java -Xms256m -Xmx512m -Dlogback.configurationFile='$RUN/conf/logback-kafka.xml' -cp "\$(cat '$RUN/kafka.classpath')" kafka.Kafka '$RUN/conf/$b.properties'
EOF
done

# --- Surge: the same settings for every process, its roles and ports its own
psql "$PG_SERVER/postgres" -qtAX -c "CREATE DATABASE $PG_DATABASE" >/dev/null 2>&1 || true
# surge_script NAME ROLES [DRAIN_SECONDS]
surge_script() {
  local name=$1 roles=$2
  cat > "$RUN/conf/$name.sh" <<EOF
export SURGE_ROLES=$roles
${3:+export SURGE_SHUTDOWN_DRAIN_SECONDS=$3}
export SURGE_HTTP_PORT=$(port HTTP_PORT "$name")
export SURGE_MANAGEMENT_PORT=$(port MGMT_PORT "$name")
export SURGE_MANAGEMENT_HOST=127.0.0.1
export SURGE_HTTP_HOST=127.0.0.1
export SURGE_KAFKA_BOOTSTRAP=$BOOTSTRAP
export SURGE_KAFKA_REPLICATION_FACTOR=3
export SURGE_KAFKA_MIN_INSYNC_REPLICAS=2
export SURGE_PG_URL=$PG_SERVER/$PG_DATABASE
export SURGE_REDIS_URL=$REDIS_URL
export SURGE_REDIS_KEY_PREFIX=$REDIS_PREFIX
export SURGE_BOOTSTRAP_KEY=$SURGE_BOOTSTRAP_KEY
exec java ${SURGE_JAVA_OPTS:--Xms128m -Xmx512m} -jar '$RUN/surge.jar' run
EOF
  chmod 600 "$RUN/conf/$name.sh"
}
for n in "${HTTP_NODES[@]}"; do surge_script "$n" ingest,query; done
# no balancer sends a worker anything: draining would only hold its partitions back from the others
for n in "${WORKERS[@]}"; do surge_script "$n" worker 0; done

# --- HAProxy: round robin over the HTTP processes; a process leaves after 2 failed readiness checks 1 s apart
# (a SIGTERM turns readiness DOWN and Surge keeps serving shutdown.drainSeconds, 5 s, so nothing is cut).
# Only a connection that failed is retried on another process: it carried nothing. A POST whose bytes were
# sent is never sent twice; the client gets a 502 or 503 and retries with the same event id itself.
{
  cat <<EOF
global
  log stdout format raw local0 info
  maxconn 4096
  # the runtime API: "disable server surge_http/ingest2" takes a process out without stopping it
  stats socket $RUN/haproxy.sock mode 600 level admin
defaults
  mode http
  log global
  option httplog
  option dontlog-normal
  timeout connect 1s
  timeout client 60s
  timeout server 35s
  timeout http-keep-alive 60s
  retries 2
  option redispatch 1
  retry-on conn-failure
frontend surge
  bind 127.0.0.1:$BALANCER_PORT
  default_backend surge_http
backend surge_http
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
EOF
  for n in "${HTTP_NODES[@]}"; do
    echo "  server $n 127.0.0.1:$(port HTTP_PORT "$n") check port $(port MGMT_PORT "$n")"
  done
  cat <<EOF
frontend stats
  bind 127.0.0.1:$BALANCER_STATS_PORT
  http-request use-service prometheus-exporter if { path /metrics }
  stats enable
  stats uri /
  stats refresh 2s
EOF
} > "$RUN/conf/haproxy.cfg"
haproxy -c -q -f "$RUN/conf/haproxy.cfg" || { echo "haproxy refused $RUN/conf/haproxy.cfg" >&2; exit 1; }
echo "exec haproxy -db -f '$RUN/conf/haproxy.cfg'" > "$RUN/conf/balancer.sh"

# --- Prometheus: every Surge process's management port, and HAProxy's own exporter
{
  cat <<EOF
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: surge
    static_configs:
EOF
  for n in "${HTTP_NODES[@]}" "${WORKERS[@]}"; do
    echo "      - targets: ['127.0.0.1:$(port MGMT_PORT "$n")']"
    echo "        labels: {process: $n}"
  done
  cat <<EOF
  - job_name: haproxy
    static_configs:
      - targets: ['127.0.0.1:$BALANCER_STATS_PORT']
EOF
} > "$RUN/conf/prometheus.yml"
cat > "$RUN/conf/prometheus.sh" <<EOF
exec prometheus --config.file='$RUN/conf/prometheus.yml' --storage.tsdb.path='$RUN/data/prometheus' \
  --web.listen-address=127.0.0.1:$PROMETHEUS_PORT
EOF

started=$(date +%s)
for b in "${BROKERS[@]}"; do launch "$b"; done
# the brokers are up once a client can list the topics through any of them (the quorum has a leader)
for _ in $(seq 1 600); do
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --list > /dev/null 2>&1 && break
  for b in "${BROKERS[@]}"; do
    running "$b" || { echo "$b exited; see $RUN/logs/$b.log:" >&2; tail -n 20 "$RUN/logs/$b.log" >&2; exit 1; }
  done
  sleep 1
done
# one Surge process first: it creates the topics and applies the migrations, then the other three together
launch "${HTTP_NODES[0]}"
wait_http "http://127.0.0.1:$(port MGMT_PORT "${HTTP_NODES[0]}")/health/ready" "${HTTP_NODES[0]}"
for n in "${HTTP_NODES[@]:1}" "${WORKERS[@]}"; do launch "$n"; done
for n in "${HTTP_NODES[@]:1}" "${WORKERS[@]}"; do wait_http "http://127.0.0.1:$(port MGMT_PORT "$n")/health/ready" "$n"; done
launch balancer
launch prometheus
wait_http "http://127.0.0.1:$BALANCER_PORT/health/ready" balancer
wait_http "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" prometheus

echo "cluster ready in $(($(date +%s) - started)) s; folder $RUN (logs/, pids/, conf/, cluster.env)"
i=0
for b in "${BROKERS[@]}"; do
  i=$((i + 1))
  echo "$b kafka 127.0.0.1:$(port PORT "$b") controller 127.0.0.1:$(port CONTROLLER_PORT "$b") node.id $i pid $(pid_of "$b")"
done
for n in "${HTTP_NODES[@]}"; do
  echo "$n ingest,query http://127.0.0.1:$(port HTTP_PORT "$n") management http://127.0.0.1:$(port MGMT_PORT "$n") pid $(pid_of "$n")"
done
for n in "${WORKERS[@]}"; do
  echo "$n worker http://127.0.0.1:$(port HTTP_PORT "$n") management http://127.0.0.1:$(port MGMT_PORT "$n") pid $(pid_of "$n")"
done
echo "balancer http://127.0.0.1:$BALANCER_PORT"
echo "balancer-stats http://127.0.0.1:$BALANCER_STATS_PORT/ (metrics /metrics)"
echo "prometheus http://127.0.0.1:$PROMETHEUS_PORT"
echo "postgres $PG_SERVER/$PG_DATABASE"
echo "redis $REDIS_URL prefix $REDIS_PREFIX"
echo "kafka $BOOTSTRAP topic surge.events (replication factor 3, min.insync.replicas 2)"
echo "key $SURGE_BOOTSTRAP_KEY"
