#!/usr/bin/env bash
# Builds the production image with podman and proves it on this machine: the container gets ready, takes a
# CloudEvent with the bootstrap key and serves it back, reports healthy, and exits 0 on SIGTERM.
# Engines: scripts/dev.sh on ports 18080/18081 (embedded Kafka, PostgreSQL, Redis); the container joins them
# over the host network with a topic and consumer group of its own.
# No image registry is reachable here, so the JRE base is made with debootstrap (kept between runs as
# localhost/surge-base:local; `scripts/image.sh --clean` removes it too) and the jar is built on the host.
# See /work/shared/CONTAINERS.md for why runc, cgroupfs, vfs and chroot isolation.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=localhost/surge-base:local
IMAGE=localhost/surge:check
NAME=surge-image-check
HTTP=18090
MGMT=18091
LOCK=/tmp/surge-mvn.lock
if [[ "${1:-}" == "--clean" ]]; then CLEAN_BASE=1; else CLEAN_BASE=0; fi

log() { printf '\n== %s\n' "$*" >&2; }

for tool in podman runc debootstrap curl; do
  if ! command -v "$tool" >/dev/null; then
    log "installing podman, runc, debootstrap, curl"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman runc debootstrap curl
    break
  fi
done

# crun fails on setrlimit and hybrid cgroups on these machines; runc with cgroupfs works
export CONTAINERS_CONF=/tmp/surge-containers.conf
printf '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n' > "$CONTAINERS_CONF"
pod() { podman --storage-driver=vfs "$@"; }

if ! pod image exists "$BASE_IMAGE"; then
  log "making $BASE_IMAGE: Debian bookworm minbase + openjdk-17-jre-headless"
  rootfs=$(mktemp -d /tmp/surge-base.XXXXXX)
  # network and disk bound, not CPU: left outside the Maven lock
  debootstrap --variant=minbase bookworm "$rootfs" >/dev/null
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" bash -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless && apt-get clean && rm -rf /var/lib/apt/lists/*' >/dev/null \
    || { umount "$rootfs/proc"; exit 1; }
  umount "$rootfs/proc"
  # mktemp made the directory 0700: as the image's / it would lock every non-root user out
  chmod 0755 "$rootfs"
  tar -C "$rootfs" -c . | pod import - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
fi

if [[ ! -f target/surge.jar || -n "$(find src conf pom.xml -newer target/surge.jar -print -quit)" ]]; then
  log "building target/surge.jar"
  flock "$LOCK" mvn -B -q -DskipTests package
fi
log "building $IMAGE (--target prebuilt, BASE=$BASE_IMAGE)"
# docker format keeps the HEALTHCHECK, which the OCI format has no field for
flock "$LOCK" podman --storage-driver=vfs build --isolation=chroot --format docker --target prebuilt \
  --build-arg BASE="$BASE_IMAGE" -t "$IMAGE" -f docker/Dockerfile .

dev_pid=""
cleanup() {
  pod rm -f "$NAME" >/dev/null 2>&1 || true
  if [[ -n "$dev_pid" ]]; then kill "$dev_pid" 2>/dev/null && wait "$dev_pid" 2>/dev/null || true; fi
  pod rmi -f "$IMAGE" >/dev/null 2>&1 || true
  if [[ "$CLEAN_BASE" == 1 ]]; then pod rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

log "starting the engines (scripts/dev.sh on :18080)"
devlog=$(mktemp /tmp/surge-image-dev.XXXXXX.log)
SURGE_HTTP_PORT=18080 SURGE_MANAGEMENT_PORT=18081 SURGE_SHUTDOWN_DRAIN_SECONDS=0 scripts/dev.sh >"$devlog" 2>&1 &
dev_pid=$!
for _ in $(seq 180); do
  grep -q "Surge dev stack ready" "$devlog" && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$devlog"; echo "dev stack died" >&2; exit 1; }
  sleep 1
done
grep -q "Surge dev stack ready" "$devlog" || { cat "$devlog"; echo "dev stack not ready in 180 s" >&2; exit 1; }
field() { awk -v k="$1" '$1 == k { print $2; exit }' "$devlog"; }
KAFKA=$(field Kafka); PG=$(field Postgres); REDIS=$(field Redis)
KEY=$(cat .surge/dev-18080/bootstrap.key)
echo "Kafka $KAFKA, Postgres $PG, Redis $REDIS" >&2

log "running $IMAGE"
pod run -d --name "$NAME" --network=host \
  -e SURGE_KAFKA_BOOTSTRAP="$KAFKA" -e SURGE_PG_URL="$PG" -e SURGE_REDIS_URL="$REDIS" \
  -e SURGE_KAFKA_TOPIC=surge.image-check -e SURGE_PIPELINE_GROUP_ID=surge-image-check \
  -e SURGE_HTTP_PORT=$HTTP -e SURGE_MANAGEMENT_PORT=$MGMT -e SURGE_BOOTSTRAP_KEY="$KEY" \
  -e SURGE_SHUTDOWN_DRAIN_SECONDS=1 \
  "$IMAGE" run --roles ingest,worker,query >/dev/null

ready=0
for _ in $(seq 120); do
  if curl -sf "http://127.0.0.1:$MGMT/health/ready" >/dev/null; then ready=1; break; fi
  [[ "$(pod inspect -f '{{.State.Running}}' "$NAME")" == true ]] || break
  sleep 1
done
[[ "$ready" == 1 ]] || { pod logs "$NAME"; echo "FAIL: the container never got ready" >&2; exit 1; }
echo "ready: $(curl -s "http://127.0.0.1:$MGMT/health/ready")" >&2
echo "PID 1 in the container: $(pod exec "$NAME" cat /proc/1/cmdline | tr '\0' ' ')" >&2
echo "user in the container: $(pod exec "$NAME" id -u)" >&2
pod healthcheck run "$NAME" && echo "HEALTHCHECK: healthy" >&2

log "POST one CloudEvent, then GET it back"
id="image-check-$(date +%s)-$RANDOM"
answer=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/cloudevents+json' "http://127.0.0.1:$HTTP/v1/events" \
  --data "{\"specversion\":\"1.0\",\"id\":\"$id\",\"source\":\"/image/check\",\"type\":\"check\",\"data\":{\"ok\":true}}")
status=${answer##*$'\n'}
echo "POST: $answer" >&2
[[ "$status" == 202 ]] || { echo "FAIL: POST answered $status" >&2; exit 1; }
got=0
for _ in $(seq 30); do
  if curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$HTTP/v1/events/$id?source=/image/check"; then got=1; break; fi
  sleep 1
done
echo >&2
[[ "$got" == 1 ]] || { pod logs "$NAME" | tail -30; echo "FAIL: event $id not served back" >&2; exit 1; }

log "SIGTERM (podman stop)"
pod stop -t 40 "$NAME" >/dev/null
code=$(pod inspect -f '{{.State.ExitCode}}' "$NAME")
pod logs "$NAME" 2>&1 | tail -5 >&2
[[ "$code" == 0 ]] || { echo "FAIL: exit code $code after SIGTERM" >&2; exit 1; }
echo "exit code after SIGTERM: 0" >&2
log "image check passed"
