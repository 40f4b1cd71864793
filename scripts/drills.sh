#!/usr/bin/env bash
# Fault drills, long versions: FaultDrillIT with -Dsurge.drills.long=true (12x the events of the in-suite run,
# about 50 s of load per drill at 300 events/s, each carried on into a minute the Redis stats mark declares
# complete so that the counters are compared). Every drill keeps a ledger of the 202s and compares it with
# Postgres; results land in target/drills/*.json and, as a table, in target/drills.md.
# Usage: scripts/drills.sh [drill method ...]
#        e.g. scripts/drills.sh killNineOfAWorkerUnderLoad postgresStopsAndStartsAgainUnderLoad
#        SHORT=1 scripts/drills.sh   # the in-suite versions
set -euo pipefail
cd "$(dirname "$0")/.."
tests=FaultDrillIT
if (($#)); then
  tests="FaultDrillIT#$(IFS=+; echo "$*")"
fi
long=true
[[ -n "${SHORT:-}" ]] && long=false

rm -rf target/drills
set +e
mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$tests" -Dsurge.drills.long="$long" 2>&1 \
  | tee target/drills.log | grep -E '^DRILL|Tests run:|FAIL'
status=${PIPESTATUS[0]}
set -e

{
  echo "Fault drills, $(date -u +%Y-%m-%d), $(nproc) cores, long=$long"
  echo
  echo "| drill | acknowledged | acks/s | lost | extra rows | duplicates in Kafka | failed attempts | fault -> last failure | fault -> first 202 | fault -> first persisted | longest partition gap | outage | fault -> drained | Redis minutes compared (events) | Redis deficit |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for f in target/drills/*.json; do
    [[ -e "$f" ]] || continue
    jq -r '"| \(.drill) | \(.acknowledged) | \(.acksPerSecond) | \(.lost) | \(.extraRows) | \(.duplicatesInKafka) | \(.failedAttempts | to_entries | map("\(.key) \(.value)") | join(", ")) | \(.faultToLastFailureSeconds // "-") s | \(.faultToFirstAckSeconds) s | \(.faultToFirstPersistSeconds) s | \(.longestPartitionGapSeconds) s | \(.outageSeconds // "-") s | \(.faultToDrainedSeconds) s | \(.redisCounters.minutesComparedFromMark) (\(.redisCounters.eventsComparedFromMark)) | \(.redisCounters.deficitFromMark) |"' "$f"
  done
} > target/drills.md
cat target/drills.md
exit $status
