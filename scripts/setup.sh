#!/usr/bin/env bash
# Installs everything the build, the served functions and the tests need.
# Idempotent: every step checks first, so a re-run on a ready machine takes seconds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Debian packages the suites need on a fresh machine: PostgreSQL 15 with pgTAP, plpgsql_check
# (`supabase db lint`) and pg_cron (scripts/test-db.sh, scripts/test-cost.sh), Chromium for the
# browser end-to-end suite (scripts/test-e2e.sh), openssl for the doctor's tests.
# One `apt-get update` and one install, only when something is missing.
apt_packages=(postgresql-15 postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
  postgresql-15-plpgsql-check postgresql-15-cron chromium fonts-liberation openssl)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -ne 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=600
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The pinned nightly (with rust-src and the wasm target) for the size-tuned wasm build.
if [ -z "$(wasm_nightly)" ]; then
  log "adding the pinned nightly toolchain nightly-$WASM_NIGHTLY_DATE (rust-src, wasm32) for the wasm build"
  if rustc +nightly --version 2>/dev/null | grep -q "$WASM_NIGHTLY_DATE"; then
    rustup component add rust-src --toolchain nightly &&
      rustup target add wasm32-unknown-unknown --toolchain nightly || true
  else
    rustup toolchain install "nightly-$WASM_NIGHTLY_DATE" --profile minimal \
      --component rust-src --target wasm32-unknown-unknown || true
  fi
  [ -n "$(wasm_nightly)" ] || log "no pinned nightly: the wasm builds with stable, larger (BENCHMARKS.md)"
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
  # `npm ci` refuses this lock file here: the `supabase` package lists optional per-platform
  # binaries (@supabase/cli-darwin-arm64, …) that the npm registry these machines reach does not
  # serve, so they cannot be in the lock and ci calls it out of sync. `npm install` then installs
  # exactly the locked versions (with their integrity hashes); the lock must come out unchanged.
  if ! (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null); then
    cp "$ROOT/tools/package-lock.json" "$ROOT/tools/.package-lock.before"
    (cd "$ROOT/tools" && npm install --no-audit --no-fund --loglevel=error)
    if ! cmp -s "$ROOT/tools/package-lock.json" "$ROOT/tools/.package-lock.before"; then
      mv "$ROOT/tools/.package-lock.before" "$ROOT/tools/package-lock.json"
      echo "setup: npm install changed tools/package-lock.json: the lock file is stale" >&2
      exit 1
    fi
    rm -f "$ROOT/tools/.package-lock.before"
  fi
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

# The nightly toolchain for the cargo-fuzz targets (scripts/test-fuzz.sh).
if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly Rust toolchain (minimal profile) for cargo-fuzz"
  rustup toolchain install nightly --profile minimal
fi

# Go programs the end-to-end suite runs for real, built from their Go modules through the Go module
# proxy (tools/go/<name>: a wrapper module pins the version). Each binary is cached per machine under
# $LTE_GO_CACHE (default ~/.cache/livekit-tavus-edge/go-bin), keyed by the wrapper's go.mod/go.sum and
# the Go version, so worktrees and fresh clones share one build; .cache/bin/<name> links to it.
go_tool() {
  local name="$1" pkg="$2" dir="$ROOT/tools/go/$1" cache key bin
  cache="${LTE_GO_CACHE:-$HOME/.cache/livekit-tavus-edge/go-bin}"
  key="$(cat "$dir/go.mod" "$dir/go.sum" <(go version) | sha256sum | cut -c1-16)"
  bin="$cache/$name-$key"
  mkdir -p "$cache" "$ROOT/.cache/bin"
  if [ ! -x "$bin" ]; then
    (
      # One build at a time per binary on this machine (several checkouts may set up at once).
      flock -w 1800 9 || { echo "setup: timed out waiting for another build of $name" >&2; exit 1; }
      if [ ! -x "$bin" ]; then
        log "building $name from its Go module (tools/go/$name; once per version and machine)"
        local started=$SECONDS
        (cd "$dir" && go build -mod=readonly -trimpath -ldflags "-s -w" -o "$bin.tmp" "$pkg")
        mv "$bin.tmp" "$bin"
        log "built $name in $((SECONDS - started)) s"
      fi
    ) 9>"$cache/.$name.lock"
  fi
  ln -sfn "$bin" "$ROOT/.cache/bin/$name"
}
if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is missing (the end-to-end suite builds livekit-server with it)" >&2
  exit 1
fi
go_tool livekit-server github.com/livekit/livekit-server/cmd/server

# livekit-agents and the LiveKit Python rtc SDK for the end-to-end suite (an agent worker and the
# Tavus stand-in's avatar), in their own virtualenv: livekit-agents pins its own livekit version.
e2e_reqs="$(cat "$ROOT/tests/e2e/requirements.txt" "$ROOT/tests/e2e/constraints.txt")"
if [ ! -x "$ROOT/.venv-e2e/bin/python" ] ||
  [ "$e2e_reqs" != "$(cat "$ROOT/.venv-e2e/.requirements.txt" 2>/dev/null)" ]; then
  log "installing the end-to-end suite's Python peers (livekit-agents, livekit rtc)"
  python3 -m venv "$ROOT/.venv-e2e"
  "$ROOT/.venv-e2e/bin/pip" install --quiet --disable-pip-version-check \
    -r "$ROOT/tests/e2e/requirements.txt" -c "$ROOT/tests/e2e/constraints.txt"
  printf '%s' "$e2e_reqs" >"$ROOT/.venv-e2e/.requirements.txt"
fi
