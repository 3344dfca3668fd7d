#!/usr/bin/env bash
# Search index size and speed (issue 23): bench/search-index.sh [MESSAGES] [sqlite|postgresql] [REAL]
#   (defaults: 1000000 synthetic messages, sqlite, 5000 real messages)
# Runs org.bollwerk.search.SearchIndexBenchmark (server test sources: it needs the index's own store and
# hasher) in a test server: part 1 indexes MESSAGES synthetic messages exactly as the indexer does and times
# index lookups; part 2 sends REAL messages through the API and times whole /search requests. Prints the
# figures (lines after "== search index benchmark"). PostgreSQL: the local server's `test` database, a fresh
# schema that is dropped afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MESSAGES=${1:-1000000}
DATABASE=${2:-sqlite}
REAL=${3:-5000}
DB_ARGS=()
if [ "$DATABASE" = postgresql ]; then
  DB_ARGS=(-Dbollwerk.test.database=postgresql -Dbollwerk.test.postgres.url=jdbc:postgresql://127.0.0.1:5432/test
    -Dbollwerk.test.postgres.user=postgres)
fi
echo "$(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$ROOT/bin/with-jdk" "$ROOT/mvnw" -B -q -pl matrix-core,server -am test -Dtest=SearchIndexBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbollwerk.bench.search="$MESSAGES" -Dbollwerk.bench.search.real="$REAL" \
  "${DB_ARGS[@]}" 2>&1 | grep -E '^(== search index|indexed|index size|lookup|sent|indexer|/search|\[ERROR\] Tests run)'
