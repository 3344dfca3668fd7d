#!/usr/bin/env bash
# Media encryption cost (issue 5): bench/media.sh [COUNT]   (default 20 files per size)
# Builds the server and bench jars (package, no install), starts a fresh server on SQLite in a temporary
# data directory, runs org.bollwerk.bench.MediaBench against it (upload/download throughput vs. the
# AES-256-GCM time for the same bytes), prints a Markdown table and stops the server.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
COUNT=${1:-20}
PORT=${BENCH_MEDIA_PORT:-18449}
JAVA="$("$ROOT/bin/with-jdk" sh -c 'echo "$JAVA_HOME"')/bin/java"
if [ ! -f server/target/bollwerk.jar ] || [ ! -f bench/target/bench.jar ]; then
  "$ROOT/bin/with-jdk" "$ROOT/mvnw" -q -B -DskipTests package
fi
DATA=$(mktemp -d)
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
BOLLWERK_DATA_DIR="$DATA" BOLLWERK_KEYS_KEK_FILE="$DATA/kek.key" SERVER_PORT=$PORT \
  BOLLWERK_RATE_LIMIT_ENABLED=false BOLLWERK_ADMIN_USER=bench BOLLWERK_ADMIN_PASSWORD=bench-media-secret \
  BOLLWERK_MEDIA_QUOTA_BYTES_PER_USER=0 BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR=false \
  "$JAVA" -jar server/target/bollwerk.jar >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/_matrix/client/versions" >/dev/null 2>&1 && break
  sleep 1
done
echo "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $("$JAVA" -version 2>&1 | head -1)"
"$JAVA" -cp "bench/target/bench.jar:bench/target/lib/*" org.bollwerk.bench.MediaBench \
  "http://127.0.0.1:$PORT" bench bench-media-secret "$COUNT"
