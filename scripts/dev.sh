#!/usr/bin/env bash
# Runs Surge on this machine with real engines: an in-process KRaft Kafka broker, embedded PostgreSQL and
# Redis, each started only when SURGE_KAFKA_BOOTSTRAP / SURGE_PG_URL / SURGE_REDIS_URL is unset.
# Needs Java 17+ and Maven. Builds first when the sources are newer than target/surge.jar. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f target/surge.jar || ! -f target/dev.classpath || ! -f target/runtime.classpath ]] \
   || [[ -n "$(find src conf pom.xml -newer target/surge.jar -print -quit)" ]]; then
  echo "building target/surge.jar ..." >&2
  mvn -B -q -DskipTests package
fi

# The dev classpath adds the engines (Maven 'provided' scope) that target/surge.jar leaves out.
exec java ${SURGE_JAVA_OPTS:-} -cp "target/classes:$(cat target/dev.classpath):$(cat target/runtime.classpath)" io.surge.dev.DevStack "$@"
