#!/usr/bin/env bash
# Every test suite, after setting up whatever is missing. Exits non-zero if any step fails.
# Suites without a cargo-style summary print a plain `N passed, N failed` line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Everything the steps print, and every response and log line of the served functions
# (tests/deno/served.ts), is kept here for the last step, the leak scan (SECURITY.md). One
# directory per run (runs may overlap in a shared tree); kept only when a step failed.
find "$ROOT/target/capture" -mindepth 1 -maxdepth 1 -name 'run-*' -mmin +1440 \
  -exec rm -rf {} + 2>/dev/null
export LTE_CAPTURE_DIR="$ROOT/target/capture/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$LTE_CAPTURE_DIR"
captured="$LTE_CAPTURE_DIR/test-output.log"

bash scripts/setup.sh 2>&1 | tee -a "$captured" || { echo "setup failed" >&2; exit 1; }

failed_steps=()
step() {
  local name="$1"
  shift
  log "$name"
  if ! "$@" 2>&1 | tee -a "$captured"; then
    failed_steps+=("$name")
    printf '\033[31mFAILED:\033[0m %s\n' "$name" >&2
  fi
}

step "cargo fmt --check" cargo fmt --all -- --check
# fuzz/ is a workspace of its own (nightly); rustfmt reads its files without building it.
step "rustfmt --check fuzz/" bash -c 'rustfmt --check --edition 2021 fuzz/fuzz_targets/*.rs'
step "cargo clippy" cargo clippy --quiet --all-targets -- -D warnings
step "cargo test" cargo test --quiet
step "wasm build" bash scripts/build.sh
step "deploy --dry-run" bash scripts/deploy.sh --dry-run --project-ref abcdefghijklmnopqrst \
  --env-file supabase/functions/.env.example
step "deno fmt --check" deno fmt --check --quiet
step "deno lint" deno lint --quiet
step "deno check" bash -c 'deno check --quiet $(git ls-files --cached --others --exclude-standard "*.ts" | grep -v "^supabase/functions/_shared/vendor/")'
step "deno test" bash scripts/test-deno.sh
step "sql (pgTAP)" bash scripts/test-db.sh
step "cost safety (fault schedules)" bash scripts/test-cost.sh
step "npm package (Node, Deno, Bun)" bash scripts/test-package.sh
step "interop (Node and Python SDKs)" bash scripts/test-interop.sh
step "e2e (real livekit-server)" bash scripts/test-e2e.sh
step "attack vectors up to date" python3 tests/vectors/gen/attacks.py --check
step "fuzz (cargo-fuzz, bounded)" bash scripts/test-fuzz.sh
# Keep the leak scan last: it reads what every step before it printed and served.
step "leak scan" deno run --quiet --allow-read --allow-env scripts/leak-scan.ts \
  --expect test-output.log --expect http --expect served "$LTE_CAPTURE_DIR"

if [ "${#failed_steps[@]}" -ne 0 ]; then
  printf '\n\033[31m%d step(s) failed:\033[0m %s\n' "${#failed_steps[@]}" "${failed_steps[*]}" >&2
  printf 'captured output and responses: %s\n' "$LTE_CAPTURE_DIR" >&2
  exit 1
fi
rm -rf "$LTE_CAPTURE_DIR"
printf '\nall steps passed\n'
