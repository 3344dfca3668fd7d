#!/usr/bin/env bash
# Media resource exhaustion (issue 24, finding 6): bench/media-attack.sh [BEFORE_JAR]
# Do other users' send and /sync latencies hold while one user runs concurrent large uploads and thumbnails
# of large images? Runs org.bollwerk.bench.MediaAttackBench against a fresh SQLite server from BEFORE_JAR
# (optional: a server jar built from an older commit) and from server/target/bollwerk.jar, one after the
# other, with the same settings, and prints a Markdown table (one quiet and one attack row per server).
# Environment (optional): MEDIA_ATTACK_SECONDS=20 MEDIA_ATTACK_UPLOADS=4 MEDIA_ATTACK_SIZE_MIB=80
#   MEDIA_ATTACK_THUMBNAILERS=2 MEDIA_ATTACK_HEAP=512m (server -Xmx: a small deployment's heap)
#   BENCH_MEDIA_PORT=18450
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BEFORE_JAR=${1:-}
SECONDS_=${MEDIA_ATTACK_SECONDS:-20}
UPLOADS=${MEDIA_ATTACK_UPLOADS:-4}
SIZE=${MEDIA_ATTACK_SIZE_MIB:-80}
THUMBS=${MEDIA_ATTACK_THUMBNAILERS:-2}
HEAP=${MEDIA_ATTACK_HEAP:-512m}
PORT=${BENCH_MEDIA_PORT:-18450}
JAVA="$("$ROOT/bin/with-jdk" sh -c 'echo "$JAVA_HOME"')/bin/java"
if [ ! -f server/target/bollwerk.jar ] || [ ! -f bench/target/bench.jar ]; then
  "$ROOT/bin/with-jdk" "$ROOT/mvnw" -q -B -o -DskipTests -pl matrix-core,server,bench -am package
fi
DATA=
SERVER_PID=
stop() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=
  if [ -n "$DATA" ]; then rm -rf "$DATA"; fi
  DATA=
}
trap stop EXIT

run() {  # LABEL JAR
  local label=$1 jar=$2
  DATA=$(mktemp -d "${TMPDIR:-/tmp}/bwattack.XXXXXX")
  cp "$jar" "$DATA/bwattack-server.jar"  # a private copy: others on this machine stop servers by jar name
  BOLLWERK_DATA_DIR="$DATA" BOLLWERK_KEYS_KEK_FILE="$DATA/kek.key" SERVER_PORT=$PORT \
    BOLLWERK_RATE_LIMIT_ENABLED=false BOLLWERK_ADMIN_USER=bench BOLLWERK_ADMIN_PASSWORD=bench-attack-secret \
    BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR=false BOLLWERK_SERVER_NAME=localhost \
    BOLLWERK_MEDIA_MAX_UPLOAD_BYTES=$((100 * 1024 * 1024)) BOLLWERK_MEDIA_QUOTA_BYTES_PER_USER=0 \
    "$JAVA" "-Xmx$HEAP" -jar "$DATA/bwattack-server.jar" >"$DATA/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/_matrix/client/versions" >/dev/null 2>&1 && break
    sleep 1
  done
  sleep 3
  "$JAVA" -cp "bench/target/bench.jar:bench/target/lib/*" org.bollwerk.bench.MediaAttackBench \
    "http://127.0.0.1:$PORT" bench bench-attack-secret "$label" "$SECONDS_" "$UPLOADS" "$SIZE" "$THUMBS" "$SERVER_PID"
  local oom
  oom=$(grep -c "OutOfMemoryError" "$DATA/server.log" || true)
  echo "<!-- $label: OutOfMemoryError lines in the server log: $oom; server alive after the run: $(kill -0 "$SERVER_PID" 2>/dev/null && echo yes || echo no) -->"
  stop
}

echo "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $("$JAVA" -version 2>&1 | head -1); server -Xmx$HEAP; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "attack: $UPLOADS concurrent uploads of $SIZE MiB + $THUMBS loops of (upload a 6000×6000 PNG, thumbnail it), ${SECONDS_} s per phase"
echo
echo "| server | phase | send p50 ms | send p99 ms | sync p50 ms | sync p99 ms | victim errors | attacker uploads | attacker thumbnails | server peak RSS |"
echo "|---|---|---:|---:|---:|---:|---:|---|---|---:|"
if [ -n "$BEFORE_JAR" ]; then run before "$BEFORE_JAR"; fi
run after server/target/bollwerk.jar
