#!/usr/bin/env bash
# Bollwerk benchmark: bench/run.sh [sqlite|postgresql|all]   (default: all)
#
# Builds if needed, then per database starts a fresh server (temporary data directory; for PostgreSQL a
# fresh schema in the local server's database), waits until it answers, runs the load generator
# (scenario 1 single-room send, scenario 2 send-to-receive latency, server RSS), stops the server,
# writes JSON into bench/results/ and appends a Markdown section to docs/benchmarks.md.
#
# Environment (all optional):
#   BENCH_REPEATS=3             repeats per scenario (medians are reported)
#   BENCH_PREWARM=0             unmeasured messages sent first to warm the JITs up (steady-state figures)
#   BENCH_SENDERS=one-user      or many-users: the 10 concurrent senders are 10 members of the room
#   BENCH_SQLITE_SYNCHRONOUS=FULL   SQLite durability (the server's default is FULL)
#   BENCH_PG_URL=jdbc:postgresql://127.0.0.1:5432/test  BENCH_PG_USER=postgres  BENCH_PG_PASSWORD=
#   BENCH_PORT=18448            port of the benchmark server
#   BENCH_JFR=1                 record a JFR profile of the server (bench/results/<run>-<db>.jfr)
#   BENCH_SERVER_JVM_OPTS=...   extra JVM options for the server
#   BENCH_NO_DOC=1              do not append to docs/benchmarks.md
#   BENCH_ARGS="..."            extra arguments for the load generator (see: java -cp ... Bench --help)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WHICH=${1:-all}
case "$WHICH" in
  sqlite) DBS=(sqlite) ;;
  postgresql) DBS=(postgresql) ;;
  all) DBS=(sqlite postgresql) ;;
  *) echo "usage: bench/run.sh [sqlite|postgresql|all]" >&2; exit 2 ;;
esac

REPEATS=${BENCH_REPEATS:-3}
SENDERS=${BENCH_SENDERS:-one-user}
SQLITE_SYNC=${BENCH_SQLITE_SYNCHRONOUS:-FULL}
PG_URL=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}
PG_USER=${BENCH_PG_USER:-postgres}
PG_PASSWORD=${BENCH_PG_PASSWORD:-}
PORT=${BENCH_PORT:-18448}
RESULTS="$ROOT/bench/results"
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"

JAVA_HOME_BENCH=$("$ROOT/bin/with-jdk" sh -c 'echo "$JAVA_HOME"')
JAVA="$JAVA_HOME_BENCH/bin/java"
SERVER_JAR="$ROOT/server/target/bollwerk.jar"
BENCH_CP="$ROOT/bench/target/bench.jar:$ROOT/bench/target/lib/*"

# ---- build if needed: a jar missing, or any source/pom newer than the last build by this script
STAMP="$ROOT/bench/target/.run-sh-build-stamp"
needs_build() {
  [ -f "$SERVER_JAR" ] && [ -f "$ROOT/bench/target/bench.jar" ] && [ -f "$STAMP" ] || return 0
  [ -n "$(find "$ROOT/server/src" "$ROOT/matrix-core/src" "$ROOT/bench/src" "$ROOT/server/pom.xml" \
            "$ROOT/matrix-core/pom.xml" "$ROOT/bench/pom.xml" "$ROOT/pom.xml" -newer "$STAMP" -type f -print -quit)" ]
}
if needs_build; then
  echo "bench: building (mvnw -DskipTests install)" >&2
  "$ROOT/bin/with-jdk" "$ROOT/mvnw" -q -B -DskipTests install
  touch "$STAMP"
fi

# ---- machine facts
NPROC=$(nproc)
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM_GIB=$(awk '/^MemTotal/ {printf "%.1f", $2/1024/1024}' /proc/meminfo)
JDK_VERSION=$("$JAVA" -version 2>&1 | head -1)
JDK_VM=$("$JAVA" -version 2>&1 | tail -1)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain -- server matrix-core 2>/dev/null | head -1)
[ -n "$DIRTY" ] && COMMIT="$COMMIT (server sources modified)"

# fsyncs/s of the disk holding the temporary data directory: 4 KiB writes with O_DSYNC
fsync_rate() {
  local dir=$1 out secs
  out=$(LC_ALL=C dd if=/dev/zero of="$dir/fsync-probe" bs=4k count=300 oflag=dsync 2>&1 | tail -1)
  rm -f "$dir/fsync-probe"
  secs=$(echo "$out" | sed -E 's/.* copied, ([0-9.e+-]+) s,.*/\1/')
  awk -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", 300 / s; else print "?" }'
}

SERVER_PID=
PG_SCHEMA=
DATA_DIR=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
  if [ -n "$PG_SCHEMA" ]; then
    PGPASSWORD=$PG_PASSWORD psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" \
      -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true
    PG_SCHEMA=
  fi
  if [ -n "$DATA_DIR" ]; then rm -rf "$DATA_DIR"; DATA_DIR=; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# jdbc:postgresql://host:port/db -> parts for psql
PG_HOST=$(echo "$PG_URL" | sed -E 's#jdbc:postgresql://([^:/]+).*#\1#')
PG_PORT=$(echo "$PG_URL" | sed -E 's#jdbc:postgresql://[^:/]+:?([0-9]*)/.*#\1#'); PG_PORT=${PG_PORT:-5432}
PG_DB=$(echo "$PG_URL" | sed -E 's#jdbc:postgresql://[^/]+/([^?]+).*#\1#')
pg() { PGPASSWORD=$PG_PASSWORD psql -X -q -t -A -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" -c "$1"; }

ADMIN_PW="bench-admin-$RANDOM$RANDOM"
FILES=()
DURABILITY=()
FSYNC_RATE=
for db in "${DBS[@]}"; do
  DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bwbench.XXXXXX")
  # a private copy of the jar: other work on this shared machine stops its own servers by name
  cp "$SERVER_JAR" "$DATA_DIR/bwbench-server.jar"
  [ -z "$FSYNC_RATE" ] && FSYNC_RATE=$(fsync_rate "$DATA_DIR")
  envs=(SERVER_PORT="$PORT" BOLLWERK_DATA_DIR="$DATA_DIR" BOLLWERK_SERVER_NAME=localhost
        BOLLWERK_ADMIN_USER=admin BOLLWERK_ADMIN_PASSWORD="$ADMIN_PW" BOLLWERK_RATE_LIMIT_ENABLED=false
        BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR=false)
  if [ "$db" = postgresql ]; then
    PG_SCHEMA="bench_$(date +%s)_$$"
    pg "CREATE SCHEMA $PG_SCHEMA" >/dev/null
    sep='?'; [[ "$PG_URL" == *\?* ]] && sep='&'
    envs+=(BOLLWERK_DATABASE_URL="$PG_URL${sep}currentSchema=$PG_SCHEMA" BOLLWERK_DATABASE_USER="$PG_USER")
    [ -n "$PG_PASSWORD" ] && envs+=(BOLLWERK_DATABASE_PASSWORD="$PG_PASSWORD")
    dur="synchronous_commit=$(pg 'SHOW synchronous_commit'), fsync=$(pg 'SHOW fsync'), wal_sync_method=$(pg 'SHOW wal_sync_method') (PostgreSQL $(pg 'SHOW server_version'))"
  else
    envs+=(BOLLWERK_DATABASE_SQLITE_SYNCHRONOUS="$SQLITE_SYNC")
    dur="journal_mode=WAL, synchronous=$SQLITE_SYNC"
  fi
  DURABILITY+=("$db: $dur")
  jtool=${JAVA_TOOL_OPTIONS:-}
  if [ "${BENCH_JFR:-}" = 1 ]; then
    jtool="$jtool -XX:FlightRecorderOptions=stackdepth=512 -XX:StartFlightRecording=filename=$RESULTS/$RUN_ID-$db.jfr,settings=profile,dumponexit=true"
  fi
  log="$RESULTS/$RUN_ID-$db-server.log"
  echo "bench: starting server on $db (port $PORT, log $log)" >&2
  # shellcheck disable=SC2086
  env "${envs[@]}" JAVA_TOOL_OPTIONS="$jtool" "$JAVA" ${BENCH_SERVER_JVM_OPTS:-} -jar "$DATA_DIR/bwbench-server.jar" >"$log" 2>&1 &
  SERVER_PID=$!
  up=
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/_matrix/client/versions" 2>/dev/null; then up=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$up" ]; then echo "bench: server did not come up; last log lines:" >&2; tail -30 "$log" >&2; exit 1; fi
  sleep 5  # idle: let start-up work settle before the idle RSS reading
  out="$RESULTS/$RUN_ID-$db.json"
  # shellcheck disable=SC2086
  "$JAVA" -cp "$BENCH_CP" org.bollwerk.bench.Bench run --base-url "http://127.0.0.1:$PORT" \
    --admin-user admin --admin-password "$ADMIN_PW" --server-pid "$SERVER_PID" \
    --repeats "$REPEATS" --senders "$SENDERS" --prewarm "${BENCH_PREWARM:-0}" --out "$out" \
    --meta "database=$( [ "$db" = sqlite ] && echo SQLite || echo PostgreSQL)" --meta "durability=$dur" \
    --meta "commit=$COMMIT" --meta "fsyncs_per_s=$FSYNC_RATE" --meta "rate_limit=disabled" \
    ${BENCH_ARGS:-}
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "bench: the server (pid $SERVER_PID) was gone before the end of the run; see $log" >&2; exit 1
  fi
  FILES+=("$out")
  cleanup
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
CMD="bench/run.sh $WHICH"
for v in BENCH_REPEATS BENCH_PREWARM BENCH_SENDERS BENCH_SQLITE_SYNCHRONOUS BENCH_JFR BENCH_SERVER_JVM_OPTS BENCH_ARGS; do
  [ -n "${!v:-}" ] && CMD="$v=$(printf %q "${!v}") $CMD"
done
TABLES=$("$JAVA" -cp "$BENCH_CP" org.bollwerk.bench.Bench report "${FILES[@]}")
SECTION="$RESULTS/$RUN_ID-summary.md"
{
  echo
  echo "### Run $(date -u '+%Y-%m-%d %H:%M UTC') — \`$CMD\`"
  echo
  echo "- Command: \`$CMD\` (from the repository root), Bollwerk commit $COMMIT"
  echo "- Machine: $NPROC CPUs (\`nproc\`), $CPU, $MEM_GIB GiB RAM; shared with other work and noisy"
  echo "  (load average before $LOAD_BEFORE, after $LOAD_AFTER); disk: about $FSYNC_RATE fsyncs/s (4 KiB \`dd oflag=dsync\`)"
  echo "- JDK: $JDK_VERSION ($JDK_VM), server JVM options: ${BENCH_SERVER_JVM_OPTS:-none (defaults)}${BENCH_JFR:+, JFR recording on}"
  echo "- Load generator and server on the same machine, over loopback HTTP/1.1; rate limiting disabled on the"
  echo "  benchmark server (\`BOLLWERK_RATE_LIMIT_ENABLED=false\`); fresh data directory / PostgreSQL schema per database"
  echo
  echo "$TABLES"
} > "$SECTION"
cat "$SECTION"
if [ "${BENCH_NO_DOC:-}" != 1 ]; then
  DOC="$ROOT/docs/benchmarks.md"
  [ -f "$DOC" ] || printf '# Benchmarks\n\nAppended by `bench/run.sh`; newest run last.\n' > "$DOC"
  cat "$SECTION" >> "$DOC"
  echo "bench: appended to docs/benchmarks.md" >&2
fi
