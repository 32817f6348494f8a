# Shared helpers for the project's scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
TOOLS_BIN="$ROOT/tools/node_modules/.bin"
export PATH="$TOOLS_BIN:$HOME/.cargo/bin:$PATH"
# Keep Deno's npm cache inside the project so runs are reproducible and re-runs are fast.
export DENO_DIR="${DENO_DIR:-$ROOT/.cache/deno}"
export DENO_NO_UPDATE_CHECK=1

# The wasm-bindgen crate is pinned exactly in Cargo.toml; the CLI must match it.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml"
}

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

# The wasm release build uses this nightly's build-std with immediate-abort panics
# (no panic messages or locations in the module: BENCHMARKS.md). A toolchain named
# `nightly` of the same date serves too. Prints the toolchain to use, or nothing.
WASM_NIGHTLY_DATE=2026-05-19
wasm_nightly() {
  local t
  for t in "nightly-$WASM_NIGHTLY_DATE" nightly; do
    if rustc "+$t" --version 2>/dev/null | grep -q "$WASM_NIGHTLY_DATE" &&
      rustup component list --toolchain "$t" --installed 2>/dev/null | grep -q '^rust-src' &&
      rustup target list --toolchain "$t" --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
      echo "$t"
      return 0
    fi
  done
}

# Runs `deno test --quiet --allow-all <args>` and prints a plain `<label>: N passed, N failed`
# line from Deno's summary ("ok | 12 passed (3 steps) | 0 failed (1s)"). A run that failed
# before testing (type errors, a crash) counts as a failure. With SKIPPED_FAILS=1, tests that
# skipped themselves (`ignore`) count as failed too. Returns deno's exit status, or 1.
deno_suite() {
  local label="$1" out rc summary passed failed ignored
  shift
  out="$(mktemp)"
  deno test --quiet --allow-all "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  summary="$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1)"
  rm -f "$out"
  passed="$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$summary")"
  failed="$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")"
  ignored="$(sed -nE 's/.*\| ([0-9]+) ignored.*/\1/p' <<<"$summary")"
  passed="${passed:-0}"
  failed="${failed:-0}"
  if [ "${SKIPPED_FAILS:-0}" = 1 ] && [ "${ignored:-0}" -gt 0 ]; then
    echo "$label: $ignored test(s) skipped themselves: they need root and PostgreSQL (bash scripts/setup.sh)" >&2
    failed=$((failed + ignored))
    rc=1
  fi
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  echo "$label: $passed passed, $failed failed"
  if [ -z "$summary" ] && [ "$rc" -eq 0 ]; then
    echo "deno test printed no summary" >&2
    return 1
  fi
  return "$rc"
}
