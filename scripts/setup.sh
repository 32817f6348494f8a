#!/usr/bin/env bash
# Installs everything the build, the served functions and the tests need.
# Idempotent: every step checks first, so a re-run on a ready machine takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want="$(wasm_bindgen_version)"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (about two minutes, once)"
  # --locked fails: a locked dependency of the CLI is no longer in the registry index.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

# cargo-fuzz for scripts/test-fuzz.sh (the targets themselves build with the nightly toolchain).
cargo_fuzz_version=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$cargo_fuzz_version" ]; then
  log "installing cargo-fuzz $cargo_fuzz_version (about two minutes, once)"
  cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked --force
fi

# Deno, wasm-opt (binaryen), TypeScript and the Node interop peers, pinned by tools/package-lock.json.
stamp="$ROOT/tools/node_modules/.installed-lock.json"
if ! cmp -s "$ROOT/tools/package-lock.json" "$stamp" 2>/dev/null || [ ! -x "$TOOLS_BIN/deno" ]; then
  log "installing pinned Node tools (deno, binaryen, typescript, livekit-server-sdk, livekit-client, jose)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$ROOT/tools/package-lock.json" "$stamp"
fi
deno --version >/dev/null

# Python interop peers (livekit-api, PyJWT) in a project virtualenv.
if [ ! -x "$ROOT/.venv/bin/python" ] ||
  ! cmp -s "$ROOT/tests/interop/requirements.txt" "$ROOT/.venv/.requirements.txt" 2>/dev/null; then
  log "installing Python interop peers"
  python3 -m venv "$ROOT/.venv"
  "$ROOT/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/interop/requirements.txt"
  cp "$ROOT/tests/interop/requirements.txt" "$ROOT/.venv/.requirements.txt"
fi

# openssl: the doctor's tests make a self-signed certificate with it at test time.
if ! command -v openssl >/dev/null 2>&1; then
  log "installing openssl"
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi
