#!/usr/bin/env bash
# Bollwerk benchmark: bench/run.sh [SCENARIO] [sqlite|postgresql|both]
#   SCENARIO: send (1: single-room send, plus send-to-receive latency and the storage limit)
#             delivery (2) | capacity (3, includes footprint with active users) | idle (4) | sync (5)
#             footprint (6) | rename (7: a user in 500 rooms renames while another sends)
#             storage (1 + the raw-insert storage limit) | all (default)
#   bench/run.sh sqlite|postgresql   (old form) = scenario send on that database
#
# Builds if needed, then per database and per scenario group starts a fresh server (temporary data directory;
# for PostgreSQL a fresh schema in the local server's database), waits until it answers, runs the load
# generator, stops the server, writes JSON into bench/results/ and appends a Markdown section to
# docs/benchmarks.md. `all` runs three servers per database: (send, latency, sync + storage limit),
# (delivery, capacity), (idle).
#
# Environment (all optional):
#   BENCH_REPEATS=3             repeats per scenario (medians are reported)
#   BENCH_PREWARM=0             unmeasured messages sent first to warm the JITs up (steady-state figures)
#   BENCH_SENDERS=one-user      or many-users: the 10 concurrent senders are 10 members of the room
#   BENCH_SQLITE_SYNCHRONOUS=FULL   SQLite durability (the server's default is FULL)
#   BENCH_PG_URL=jdbc:postgresql://127.0.0.1:5432/test  BENCH_PG_USER=postgres  BENCH_PG_PASSWORD=
#   BENCH_PORT=18448            port of the benchmark server
#   BENCH_JFR=1                 record a JFR profile of the server (bench/results/<run>-<db>-<group>.jfr)
#   BENCH_SERVER_JVM_OPTS=...   extra JVM options for the server
#   BENCH_IDLE_CONNECTIONS=19500   held long-polls in scenario 4 (bounded by `ulimit -Hn` of this shell)
#   BENCH_IDLE_MAX_CONNECTIONS=30000   Tomcat's server.tomcat.max-connections for scenario 4 (its default: 8192)
#   BENCH_NO_DOC=1              do not append to docs/benchmarks.md
#   BENCH_ARGS="..."            extra arguments for the load generator (see: java -cp ... Bench --help)
#   BENCH_SERVER_JAR=path       run this server jar instead of server/target/bollwerk.jar (e.g. an older build, for before/after)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SCENARIO=${1:-all}
WHICH=${2:-both}
case "$SCENARIO" in
  sqlite|postgresql) WHICH=$SCENARIO; SCENARIO=send ;;
esac
case "$WHICH" in
  sqlite) DBS=(sqlite) ;;
  postgresql) DBS=(postgresql) ;;
  both|all) DBS=(sqlite postgresql) ;;
  *) echo "usage: bench/run.sh [send|delivery|capacity|idle|sync|footprint|rename|storage|all] [sqlite|postgresql|both]" >&2; exit 2 ;;
esac
# scenario groups: each runs against its own fresh server; "+storage" = storage limit after the server stops
case "$SCENARIO" in
  send|storage) GROUPS_=("send,latency+storage") ;;
  delivery) GROUPS_=("delivery") ;;
  capacity) GROUPS_=("capacity") ;;
  footprint) GROUPS_=("footprint") ;;
  idle) GROUPS_=("idle") ;;
  sync) GROUPS_=("sync") ;;
  rename) GROUPS_=("rename") ;;
  all) GROUPS_=("send,latency,sync+storage" "delivery,capacity" "idle") ;;
  *) echo "usage: bench/run.sh [send|delivery|capacity|idle|sync|footprint|rename|storage|all] [sqlite|postgresql|both]" >&2; exit 2 ;;
esac
# scenario 4 holds ~20k sockets in the server and as many in the load generator: as many descriptors as allowed
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
IDLE_CONNECTIONS=${BENCH_IDLE_CONNECTIONS:-$(( FD_LIMIT >= 20500 ? 20000 : FD_LIMIT - 500 ))}
IDLE_MAX_CONNECTIONS=${BENCH_IDLE_MAX_CONNECTIONS:-30000}

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
SERVER_JAR=${BENCH_SERVER_JAR:-$ROOT/server/target/bollwerk.jar}
BENCH_CP="$ROOT/bench/target/bench.jar:$ROOT/bench/target/lib/*"

# ---- build if needed: a jar missing, or any source/pom newer than the last build by this script
STAMP="$ROOT/bench/target/.run-sh-build-stamp"
needs_build() {
  [ -f "$SERVER_JAR" ] && [ -f "$ROOT/bench/target/bench.jar" ] && [ -f "$STAMP" ] || return 0
  [ -n "$(find "$ROOT/server/src" "$ROOT/matrix-core/src" "$ROOT/bench/src" "$ROOT/server/pom.xml" \
            "$ROOT/matrix-core/pom.xml" "$ROOT/bench/pom.xml" "$ROOT/pom.xml" -newer "$STAMP" -type f -print -quit)" ]
}
if needs_build; then
  echo "bench: building (mvnw -DskipTests package)" >&2
  # package, not install: the shared ~/.m2 is left alone
  "$ROOT/bin/with-jdk" "$ROOT/mvnw" -q -B -DskipTests package
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
FAILED=()
DURABILITY=()
FSYNC_RATE=
RUN_START=$(date +%s)
for db in "${DBS[@]}"; do
 for group in "${GROUPS_[@]}"; do
  scen=${group%+storage}
  gname=${scen//,/-}
  DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bwbench.XXXXXX")
  # a private copy of the jar: other work on this shared machine stops its own servers by name
  cp "$SERVER_JAR" "$DATA_DIR/bwbench-server.jar"
  [ -z "$FSYNC_RATE" ] && FSYNC_RATE=$(fsync_rate "$DATA_DIR")
  envs=(SERVER_PORT="$PORT" BOLLWERK_DATA_DIR="$DATA_DIR" BOLLWERK_SERVER_NAME=localhost
        BOLLWERK_ADMIN_USER=admin BOLLWERK_ADMIN_PASSWORD="$ADMIN_PW" BOLLWERK_RATE_LIMIT_ENABLED=false
        BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR=false)
  extra=()
  if [[ ",$scen," == *,idle,* ]]; then
    # Tomcat's default max-connections (8192) would cap the held long-polls: raised for this scenario only
    # and the long-poll limit raised to 5 min, so none of them times out while the others are still being opened
    envs+=(SERVER_TOMCAT_MAXCONNECTIONS="$IDLE_MAX_CONNECTIONS" BOLLWERK_SYNC_MAX_TIMEOUT_MS=300000)
    extra+=(--idle-connections "$IDLE_CONNECTIONS" --server-max-connections "$IDLE_MAX_CONNECTIONS")
  fi
  if [ "$db" = postgresql ]; then
    PG_SCHEMA="bench_$(date +%s)_$$"
    pg "CREATE SCHEMA $PG_SCHEMA" >/dev/null
    sep='?'; [[ "$PG_URL" == *\?* ]] && sep='&'
    DB_URL="$PG_URL${sep}currentSchema=$PG_SCHEMA"
    envs+=(BOLLWERK_DATABASE_URL="$DB_URL" BOLLWERK_DATABASE_USER="$PG_USER")
    [ -n "$PG_PASSWORD" ] && envs+=(BOLLWERK_DATABASE_PASSWORD="$PG_PASSWORD")
    dur="synchronous_commit=$(pg 'SHOW synchronous_commit'), fsync=$(pg 'SHOW fsync'), wal_sync_method=$(pg 'SHOW wal_sync_method') (PostgreSQL $(pg 'SHOW server_version'))"
  else
    envs+=(BOLLWERK_DATABASE_SQLITE_SYNCHRONOUS="$SQLITE_SYNC")
    DB_URL="jdbc:sqlite:$DATA_DIR/bollwerk.db?synchronous=$SQLITE_SYNC&journal_mode=WAL"
    dur="journal_mode=WAL, synchronous=$SQLITE_SYNC"
  fi
  DURABILITY+=("$db: $dur")
  jtool=${JAVA_TOOL_OPTIONS:-}
  if [ "${BENCH_JFR:-}" = 1 ]; then
    jtool="$jtool -XX:FlightRecorderOptions=stackdepth=512 -XX:StartFlightRecording=filename=$RESULTS/$RUN_ID-$db-$gname.jfr,settings=profile,dumponexit=true"
  fi
  log="$RESULTS/$RUN_ID-$db-$gname-server.log"
  echo "bench: starting server on $db for $scen (port $PORT, log $log)" >&2
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
  out="$RESULTS/$RUN_ID-$db-$gname.json"
  # shellcheck disable=SC2086
  # a failing scenario group is reported and the next one still runs
  "$JAVA" -cp "$BENCH_CP" org.bollwerk.bench.Bench run --base-url "http://127.0.0.1:$PORT" \
    --admin-user admin --admin-password "$ADMIN_PW" --server-pid "$SERVER_PID" --scenarios "$scen" \
    --repeats "$REPEATS" --senders "$SENDERS" --prewarm "${BENCH_PREWARM:-0}" --out "$out" \
    --meta "database=$( [ "$db" = sqlite ] && echo SQLite || echo PostgreSQL)" --meta "durability=$dur" \
    --meta "commit=$COMMIT" --meta "fsyncs_per_s=$FSYNC_RATE" --meta "rate_limit=disabled" \
    --meta "server_jvm_opts=${BENCH_SERVER_JVM_OPTS:-defaults}" --meta "fd_limit=$FD_LIMIT" \
    "${extra[@]}" ${BENCH_ARGS:-} || { echo "bench: scenario group $scen on $db FAILED (see above); continuing" >&2; FAILED+=("$db:$scen"); cleanup; continue; }
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "bench: the server (pid $SERVER_PID) was gone before the end of the run; see $log" >&2; exit 1
  fi
  if [[ "$group" == *+storage ]]; then
    # the storage limit: same rows straight into the stopped server's database, same durability settings
    kill "$SERVER_PID"; for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    "$JAVA" -cp "$BENCH_CP" org.bollwerk.bench.Bench storage --jdbc-url "$DB_URL" --db-user "$( [ "$db" = postgresql ] && echo "$PG_USER")" \
      --db-password "$( [ "$db" = postgresql ] && echo "$PG_PASSWORD")" --into "$out"
  fi
  FILES+=("$out")
  cleanup
 done
done
RUN_SECONDS=$(( $(date +%s) - RUN_START ))

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
CMD="bench/run.sh $SCENARIO $WHICH"
for v in BENCH_SERVER_JAR BENCH_REPEATS BENCH_PREWARM BENCH_SENDERS BENCH_SQLITE_SYNCHRONOUS BENCH_JFR BENCH_SERVER_JVM_OPTS BENCH_IDLE_CONNECTIONS BENCH_IDLE_MAX_CONNECTIONS BENCH_ARGS; do
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
  echo "  and scenario group; open-file limit (\`ulimit -n\`) $FD_LIMIT; the whole run took $((RUN_SECONDS / 60)) min $((RUN_SECONDS % 60)) s"
  echo
  [ ${#FAILED[@]} -gt 0 ] && echo "- **Failed scenario groups** (no figures): ${FAILED[*]}" && echo
  echo "$TABLES"
} > "$SECTION"
cat "$SECTION"
if [ "${BENCH_NO_DOC:-}" != 1 ]; then
  DOC="$ROOT/docs/benchmarks.md"
  [ -f "$DOC" ] || printf '# Benchmarks\n\nAppended by `bench/run.sh`; newest run last.\n' > "$DOC"
  cat "$SECTION" >> "$DOC"
  echo "bench: appended to docs/benchmarks.md" >&2
fi
