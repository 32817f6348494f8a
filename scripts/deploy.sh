#!/usr/bin/env bash
# Deploys the project to a Supabase project, in the one order that works from a clean checkout.
#
#   bash scripts/deploy.sh --project-ref REF --env-file supabase/functions/.env [--yes] [--skip-build]
#   bash scripts/deploy.sh --project-ref REF --env-file FILE --dry-run
#
# 1. offline checks (scripts/deploy-check.ts): the ref, the env file against the core's settings
#    validation, config.toml against the function folders and their import maps, migration names;
# 2. bash scripts/build.sh: the wasm core and the vendored package the functions import
#    (supabase/functions/_shared/vendor is built and git-ignored: deploying without it fails);
# 3. supabase link --project-ref REF
# 4. supabase db push --include-seed     (migrations the project lacks, then supabase/seed.sql)
# 5. supabase secrets set --env-file FILE
# 6. supabase functions deploy NAME --use-api, for every [functions.NAME] of supabase/config.toml
#    (its verify_jwt, entrypoint and import map apply; --use-api bundles without Docker)
# 7. deno task doctor --env-file FILE, with SUPABASE_URL of the project (and SUPABASE_SECRET_KEYS
#    from your environment if you export it, so the doctor also checks the database and Vault).
# The Supabase CLI is the pinned one in tools/ (npm `supabase`). Steps 3-6 need the network and a
# login: `supabase login` once, or SUPABASE_ACCESS_TOKEN; the database password in
# SUPABASE_DB_PASSWORD (else the CLI asks). --yes answers the CLI's confirmations.
# --dry-run runs step 1 and prints every other command exactly, running none of them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ref=""
env_file=""
dry_run=0
skip_build=0
yes=()
while (($#)); do
  case "$1" in
    --project-ref) ref="${2:-}"; shift 2 ;;
    --env-file) env_file="${2:-}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --skip-build) skip_build=1; shift ;;
    --yes) yes=(--yes); shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "deploy: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$ref" && -n "$env_file" ]] || { echo "deploy: --project-ref and --env-file are required (see --help)" >&2; exit 2; }

SUPABASE="tools/node_modules/.bin/supabase"
[[ -x "$SUPABASE" ]] || { echo "deploy: the Supabase CLI is missing: bash scripts/setup.sh" >&2; exit 1; }
command -v deno >/dev/null || { echo "deploy: deno is missing: bash scripts/setup.sh" >&2; exit 1; }

# Functions in the order config.toml lists them.
mapfile -t functions < <(sed -nE 's/^\[functions\.([A-Za-z0-9_-]+)\][[:space:]]*$/\1/p' supabase/config.toml)
((${#functions[@]} > 0)) || { echo "deploy: no [functions.*] in supabase/config.toml" >&2; exit 1; }

quote() {
  local out="" a
  for a in "$@"; do out+="${out:+ }$(printf '%q' "$a")"; done
  printf '%s' "$out"
}

step=0
run() {
  step=$((step + 1))
  printf '\033[1m[%d]\033[0m %s\n' "$step" "$(quote "$@")"
  ((dry_run)) || "$@"
}

log "deploy to project $ref$( ((dry_run)) && echo ' (dry run: nothing is sent)')"
check_args=(--project-ref "$ref" --env-file "$env_file")
((dry_run && !skip_build)) && check_args+=(--build-pending)
deno run --quiet --allow-read --allow-env scripts/deploy-check.ts "${check_args[@]}"

if ((skip_build)); then
  log "build skipped (--skip-build): the vendored package must be current"
else
  run bash scripts/build.sh
fi
run "$SUPABASE" link --project-ref "$ref"
run "$SUPABASE" db push --include-seed "${yes[@]}"
run "$SUPABASE" secrets set --env-file "$env_file"
for fn in "${functions[@]}"; do
  run "$SUPABASE" functions deploy "$fn" --use-api
done
run env "SUPABASE_URL=https://$ref.supabase.co" deno task doctor --env-file "$env_file"

if ((dry_run)); then
  log "dry run: $step commands printed, none run; the offline checks passed"
else
  log "deployed: https://$ref.supabase.co/functions/v1/${functions[0]}; point LiveKit's webhook at https://$ref.supabase.co/functions/v1/livekit-webhook"
  log "then put RECONCILE_URL (https://$ref.supabase.co/functions/v1/reconcile) and RECONCILE_KEY in Vault: docs/reconciler.md"
fi
