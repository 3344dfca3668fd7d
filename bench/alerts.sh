#!/usr/bin/env bash
# Alert to many members (issue 22): bench/alerts.sh [RECIPIENTS] [REPEATS] [sqlite|postgresql]   (default 2000 5 sqlite)
# Builds the server and bench jars if missing (package, no install), starts a fresh server (SQLite in a temporary
# data directory, or a fresh schema on the local PostgreSQL), runs org.bollwerk.bench.AlertBench against it
# (RECIPIENTS accounts, alerts to the whole tenant, 20 of them long-polling /sync), prints a Markdown table and
# stops the server.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RECIPIENTS=${1:-2000}
REPEATS=${2:-5}
DB=${3:-sqlite}
PORT=${BENCH_ALERTS_PORT:-18450}
JAVA="$("$ROOT/bin/with-jdk" sh -c 'echo "$JAVA_HOME"')/bin/java"
if [ ! -f server/target/bollwerk.jar ] || [ ! -f bench/target/bench.jar ]; then
  "$ROOT/bin/with-jdk" "$ROOT/mvnw" -q -B -DskipTests package
fi
DATA=$(mktemp -d)
SCHEMA=""
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$DATA";
  [ -z "$SCHEMA" ] || psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1 || true' EXIT
DB_ENV=()
if [ "$DB" = postgresql ]; then
  SCHEMA="bench_alerts_$(date +%s)"
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $SCHEMA" >/dev/null
  DB_ENV=(BOLLWERK_DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA" BOLLWERK_DATABASE_USER=postgres)
fi
env "${DB_ENV[@]}" BOLLWERK_DATA_DIR="$DATA" BOLLWERK_KEYS_KEK_FILE="$DATA/kek.key" SERVER_PORT=$PORT \
  BOLLWERK_RATE_LIMIT_ENABLED=false BOLLWERK_ADMIN_USER=bench BOLLWERK_ADMIN_PASSWORD=bench-alerts-secret \
  BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR=false \
  "$JAVA" -jar server/target/bollwerk.jar >"$DATA/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/_matrix/client/versions" >/dev/null 2>&1 && break
  sleep 1
done
echo "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $("$JAVA" -version 2>&1 | head -1), $DB"
"$JAVA" -cp "bench/target/bench.jar:bench/target/lib/*" org.bollwerk.bench.AlertBench \
  "http://127.0.0.1:$PORT" bench bench-alerts-secret "$RECIPIENTS" "$REPEATS" 20
