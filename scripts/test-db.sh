#!/usr/bin/env bash
# Database tests on a throwaway PostgreSQL 15 cluster (no Docker, no Supabase CLI).
#
#   bash scripts/test-db.sh
#
# 1. starts a fresh cluster on the project's port 54339 (data under a mktemp dir, owned by postgres);
# 2. loads the Supabase stand-ins (supabase/tests/support/supabase_stand_ins.sql: API roles, auth, vault);
# 3. applies every migration in order, then the seed; then all migrations and the seed a second time
#    (they must be idempotent);
# 4. runs supabase/tests/database/*.test.sql with pg_prove (pgTAP is installed in the test database only);
# 5. stops and removes the cluster on exit, also on failure or Ctrl-C.
# Last line: `sql: N passed, N failed` (pgTAP assertions); exit status non-zero on any failure.
# Runs are serialised with a lock; a cluster left by an aborted run is stopped and removed first.
set -euo pipefail
shopt -s nullglob

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PORT=54339
DB_NAME="livekit_tavus_edge_test"
TMP_PARENT="${TMPDIR:-/tmp}"
TMP_PREFIX="livekit-tavus-edge-db"
SCENARIOS_JSON="$ROOT/supabase/functions/_shared/default_scenarios.json"

passed=0
failed=0
WORK=""

summary() {
  echo "sql: ${passed} passed, ${failed} failed"
}

# Print a reason (and the server log, if any), the summary line, and exit 1.
die() {
  echo "test-db: $*" >&2
  if [[ -n "$WORK" && -s "$WORK/postgres.log" ]]; then
    echo "test-db: last lines of the server log:" >&2
    tail -n 20 "$WORK/postgres.log" >&2
  fi
  if ((failed == 0)); then failed=1; fi
  summary
  exit 1
}

# Run a command as the postgres OS user (initdb and pg_ctl refuse to run as root).
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  elif [[ "$(id -un)" == postgres ]]; then
    "$@"
  else
    die "run as root or as the postgres user (initdb/pg_ctl run as postgres)"
  fi
}

stop_cluster() {
  local dir="$1"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf -- "$dir"
}

cleanup() {
  if [[ -n "$WORK" ]]; then
    stop_cluster "$WORK"
  fi
}

ensure_pgtap() {
  local sharedir
  sharedir="$("$PG_BIN/pg_config" --sharedir)"
  if [[ -f "$sharedir/extension/pgtap.control" ]] && command -v pg_prove >/dev/null; then
    return
  fi
  [[ "$(id -u)" == 0 ]] || die "pgTAP is missing: apt-get install postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl"
  echo "test-db: installing pgTAP" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
    postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl >&2 ||
    die "could not install pgTAP"
}

# Only one run at a time may own the port; with the lock held, any cluster directory
# of ours is left over from an aborted run.
remove_stale_clusters() {
  local dir
  for dir in "$TMP_PARENT/$TMP_PREFIX".*/; do
    dir="${dir%/}"
    echo "test-db: removing a cluster left by an aborted run: $dir" >&2
    stop_cluster "$dir"
  done
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 || [[ $? -ne 2 ]]; then
    die "port $PORT is in use by a server this script did not start"
  fi
}

start_cluster() {
  WORK="$(mktemp -d "$TMP_PARENT/$TMP_PREFIX.XXXXXX")"
  chown postgres:postgres "$WORK" 2>/dev/null || true
  # 9>&-: the server must not inherit the run lock, or a killed run's cluster would keep it.
  as_postgres "$PG_BIN/initdb" -D "$WORK/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 9>&- || die "initdb failed: $(tail -n 5 "$WORK/initdb.log")"
  as_postgres "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w -t 60 \
    -o "-c port=$PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK -c fsync=off" \
    start >/dev/null 9>&- || die "the cluster did not start"
}

psql_as_owner() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres "$@"
}

apply_file() {
  local file="$1"
  psql_as_owner -d "$DB_NAME" --single-transaction -f "$file" >/dev/null ||
    die "applying ${file#"$ROOT"/} failed (pass $2)"
}

apply_schema() {
  local pass="$1" migration
  local migrations=("$ROOT"/supabase/migrations/*.sql)
  ((${#migrations[@]} > 0)) || die "no migrations in supabase/migrations"
  for migration in "${migrations[@]}"; do
    apply_file "$migration" "$pass"
  done
  apply_file "$ROOT/supabase/seed.sql" "$pass"
  echo "test-db: pass $pass: ${#migrations[@]} migrations and the seed applied" >&2
}

# Count pgTAP assertions in pg_prove's verbose TAP output. Assertions a test file planned
# but never ran (it died half-way) count as failed.
count_assertions() {
  local tap="$1" prove_status="$2" planned ran
  passed="$(grep -cE '^ok [0-9]+' "$tap" || true)"
  failed="$(grep -cE '^not ok [0-9]+' "$tap" || true)"
  planned="$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$tap" | awk '{ n += $1 } END { print n + 0 }')"
  ran=$((passed + failed))
  if ((planned > ran)); then failed=$((failed + planned - ran)); fi
  if ((prove_status != 0 && failed == 0)); then failed=1; fi
}

main() {
  local tests tap prove_status=0
  ensure_pgtap
  exec 9>"$TMP_PARENT/$TMP_PREFIX.lock"
  flock -w 120 9 || die "another test-db run holds $TMP_PARENT/$TMP_PREFIX.lock"
  remove_stale_clusters

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_cluster

  psql_as_owner -d postgres -c "create database $DB_NAME" >/dev/null || die "createdb failed"
  apply_file "$ROOT/supabase/tests/support/supabase_stand_ins.sql" 1
  apply_schema 1
  apply_schema 2
  psql_as_owner -d "$DB_NAME" -c 'create extension if not exists pgtap' >/dev/null ||
    die "create extension pgtap failed"

  tests=("$ROOT"/supabase/tests/database/*.test.sql)
  ((${#tests[@]} > 0)) || die "no tests in supabase/tests/database"
  tap="$WORK/tap.log"
  (cd "$ROOT" && pg_prove --verbose --nocolor -h "$WORK" -p "$PORT" -U postgres -d "$DB_NAME" \
    --set "default_scenarios_json=$(cat "$SCENARIOS_JSON")" "${tests[@]#"$ROOT"/}") >"$tap" 2>&1 ||
    prove_status=$?
  cat "$tap"
  count_assertions "$tap" "$prove_status"
  summary
  ((failed == 0))
}

main "$@"
