# Shared by the bench-*.sh scripts (sourced from the project root): builds when the sources are newer than
# target/surge.jar, makes sure wrk is there, and gives a work folder, process cleanup, free_port, wait_http
# and start_kafka. Usage: source scripts/bench/common.sh <work-folder-prefix>
if ! command -v wrk >/dev/null; then
  echo "wrk is missing; installing it from Debian's packages" >&2
  { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null || { echo "install wrk (apt-get install wrk) and retry" >&2; exit 1; }
fi
if [[ ! -f target/surge.jar || ! -f target/dev.classpath || ! -f target/runtime.classpath ]] || [[ -n "$(find src conf pom.xml -newer target/surge.jar -print -quit)" ]]; then
  mvn -B -q -DskipTests package
fi
CP="target/classes:$(cat target/dev.classpath):$(cat target/runtime.classpath)"
WORK=$(mktemp -d "/tmp/$1.XXXX")
PIDS=()
# the broker's data is gigabytes after a batch run: it goes, the logs stay for a look
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK/kafka"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 600); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

# start_kafka: an in-process KRaft broker of its own JVM, data under $WORK/kafka; sets BOOTSTRAP
start_kafka() {
  java -cp "$CP" io.surge.dev.EmbeddedKafka "$WORK/kafka" > "$WORK/kafka.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do grep -q "kafka bootstrap" "$WORK/kafka.log" && break; sleep 0.1; done
  BOOTSTRAP=$(grep -o "kafka bootstrap .*" "$WORK/kafka.log" | awk '{print $3}')
  [[ -n "$BOOTSTRAP" ]] || { cat "$WORK/kafka.log" >&2; exit 1; }
}
