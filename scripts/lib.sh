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
