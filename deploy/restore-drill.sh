#!/usr/bin/env bash
# Restore drill: restore a pg_dump into a FRESH database and prove the shop works on it.
#   deploy/restore-drill.sh DUMP_FILE [TARGET_DATABASE_URL]
# TARGET defaults to the server of $DATABASE_URL with a new database ocop_drill_<time>.
# The target database must not exist; it is created, restored, migrated (a no-op when the
# dump is current), checked with `flask ops smoke`, and dropped unless KEEP_DRILL_DB=1.
# Exit status 0 only when every step and every smoke check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
dump="${1:?usage: deploy/restore-drill.sh DUMP_FILE [TARGET_DATABASE_URL]}"
source_url="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
target="${2:-${source_url%/*}/ocop_drill_$(date -u +%Y%m%d%H%M%S)}"
target="${target/postgresql+psycopg:/postgresql:}"
server="${target%/*}/postgres"
name="${target##*/}"
name="${name%%\?*}"
[[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { echo "unsafe database name: $name" >&2; exit 2; }

echo "== restore drill: $dump -> $name"
psql -v ON_ERROR_STOP=1 -q "$server" -c "CREATE DATABASE \"$name\""
cleanup() {
  if [[ "${KEEP_DRILL_DB:-0}" != 1 ]]; then
    psql -q "$server" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" || true
  fi
}
trap cleanup EXIT
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$dump"
index_dir="$(mktemp -d)"
trap 'cleanup; rm -rf "$index_dir"' EXIT
export DATABASE_URL="$target" SEARCH_INDEX_DIR="$index_dir/index" SEARCH_FOLLOW_SECONDS=0
export APP_ENV="${APP_ENV:-development}" LOAD_DEMO_CATALOG=false
.venv/bin/flask --app wsgi db upgrade
.venv/bin/flask --app wsgi ops smoke
echo "== restore drill passed ($name)"
