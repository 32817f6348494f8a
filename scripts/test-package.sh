#!/usr/bin/env bash
# Packs the npm package (js/) with `npm pack`, installs the tarball into clean
# temporary projects and checks it there, as a user would use it:
#   - Node (>= 20): tests/package/check.mjs (mint, verify, webhooks, validation,
#     every shared vector), tests/package/readme.mjs (livekit-server-sdk's README
#     examples, unchanged but for the import), tests/package/graph.mjs (the
#     main entry loads the token core only; every `exports` target is there),
#     tests/package/require.cjs (CommonJS require() of the ES module) and a
#     strict type-check of tests/package/consumer.ts;
#   - Deno: the same checks and type-check, the package resolved from the
#     project's node_modules by its name (a local path: it is not published);
#   - Bun (from npm, pinned in tools/): the same checks;
#   - the README examples are still livekit-server-sdk's (readme_source.mjs),
#     and pass the same checks against livekit-server-sdk itself (the control);
#   - workerd (from npm): that the documented limitation still holds.
# Prints `package: N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Build first when the package is missing or older than its sources (run alone after an edit,
# the suite would otherwise test a stale tarball and pass).
if [ ! -f js/dist/src/mod.js ] ||
  [ -n "$(find js/src src Cargo.toml js/package.json -newer js/dist/src/mod.js -print -quit)" ]; then
  bash scripts/build.sh || exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
pass() { passed=$((passed + $1)); }
fail() {
  failed=$((failed + 1))
  printf '\033[31mFAILED:\033[0m %s\n' "$*" >&2
}

tarball="$(cd js && npm pack --pack-destination "$work" --loglevel=error | tail -n 1)"
if [ ! -f "$work/$tarball" ]; then
  fail "npm pack"
  echo "package: $passed passed, $failed failed"
  exit 1
fi
log "packed $tarball ($(wc -c <"$work/$tarball") bytes)"

# A clean project that depends on the tarball alone; npm needs no registry for it.
project() {
  local dir="$work/$1"
  mkdir -p "$dir"
  cat >"$dir/package.json" <<JSON
{ "name": "clean-$1", "private": true, "type": "module",
  "dependencies": { "livekit-tavus-edge": "file:../$tarball" } }
JSON
  cp tests/package/check.mjs tests/package/vectors.mjs tests/package/consumer.ts \
    tests/package/tsconfig.json tests/package/readme.mjs tests/package/graph.mjs \
    tests/package/require.cjs "$dir/"
  cp -r tests/package/sdk-readme "$dir/"
  (cd "$dir" && npm install --offline --no-audit --no-fund --loglevel=error >/dev/null) ||
    { fail "$1: npm install of the tarball"; return 1; }
  # What was installed is the tarball's content, and nothing else came with it.
  [ -f "$dir/node_modules/livekit-tavus-edge/dist/src/mod.js" ] ||
    { fail "$1: the installed package has no dist/src/mod.js"; return 1; }
}

# Runs `check.mjs` under a runtime and adds its `N passed, N failed` line to the totals.
run_check() {
  local name="$1"
  shift
  local out
  out="$("$@" 2>&1)"
  local rc=$?
  printf '%s\n' "$out" | grep -v '^[a-z-]*: [0-9]* passed' >&2
  local line
  line="$(printf '%s\n' "$out" | grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" | tail -n 1)"
  if [ -z "$line" ]; then
    fail "$name: check.mjs printed no summary (exit $rc)"
    return
  fi
  echo "$line"
  local p f
  p="$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")"
  f="$(sed -E 's/.*, ([0-9]+) failed/\1/' <<<"$line")"
  pass "$p"
  failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then fail "$name: exit $rc"; fi
}

typecheck() {
  local name="$1"
  shift
  if "$@" >"$work/tc.log" 2>&1; then
    pass 1
    echo "$name: the declarations type-check a strict consumer"
  else
    cat "$work/tc.log" >&2
    fail "$name: type-check of consumer.ts"
  fi
}

vectors="${VECTORS_DIR:-$ROOT/tests/vectors}"
sdk_readme="$ROOT/tools/node_modules/livekit-server-sdk/README.md"

# The README examples are livekit-server-sdk's own, changed only in the import line,
# and the checks around them hold against livekit-server-sdk itself: its package from
# tools/ (with its dependencies) in a project of its own.
if [ -f "$sdk_readme" ]; then
  run_check readme-source node tests/package/readme_source.mjs tests/package/sdk-readme "$sdk_readme"
  control="$work/control"
  mkdir -p "$control"
  cp tests/package/readme.mjs "$control/"
  cp -r tests/package/sdk-readme "$control/"
  echo '{ "private": true, "type": "module" }' >"$control/package.json"
  ln -s "$ROOT/tools/node_modules" "$control/node_modules"
  log "the README examples against livekit-server-sdk $(node -p "require('$ROOT/tools/node_modules/livekit-server-sdk/package.json').version") (control)"
  run_check readme-sdk bash -c "cd '$control' && node readme.mjs sdk-readme readme-sdk livekit-server-sdk"
else
  fail "livekit-server-sdk is not in tools/ (run scripts/setup.sh): its README cannot be checked"
fi

# Node
if project node; then
  log "Node $(node --version): the installed tarball"
  run_check node node "$work/node/check.mjs" "$vectors" node
  run_check readme-node bash -c "cd '$work/node' && node readme.mjs sdk-readme readme-node"
  run_check graph bash -c "cd '$work/node' && node graph.mjs"
  run_check require-node bash -c "cd '$work/node' && node require.cjs node"
  typecheck node tsc -p "$work/node/tsconfig.json"
fi

# Deno: `nodeModulesDir: manual` resolves the bare name from the project's node_modules.
if project deno; then
  echo '{ "nodeModulesDir": "manual" }' >"$work/deno/deno.json"
  log "Deno $(deno --version | head -n 1 | awk '{print $2}'): the installed tarball"
  run_check deno bash -c "cd '$work/deno' && deno run --quiet --allow-read check.mjs '$vectors' deno"
  run_check readme-deno bash -c \
    "cd '$work/deno' && deno run --quiet --allow-read --allow-write=. readme.mjs sdk-readme readme-deno"
  typecheck deno bash -c "cd '$work/deno' && deno check --quiet consumer.ts"
fi

# Bun, from npm (tools/, installed by scripts/setup.sh): one of the three runtimes the package
# promises, so a Bun that is missing or does not run is a failure, not a skip.
if command -v bun >/dev/null 2>&1 && bun --version >/dev/null 2>&1; then
  if project bun; then
    log "Bun $(bun --version): the installed tarball"
    run_check bun bash -c "cd '$work/bun' && bun check.mjs '$vectors' bun"
    run_check readme-bun bash -c "cd '$work/bun' && bun readme.mjs sdk-readme readme-bun"
    run_check require-bun bash -c "cd '$work/bun' && bun require.cjs bun"
  fi
else
  fail "bun: not installed or does not run (scripts/setup.sh installs it from npm)"
fi

# workerd (Cloudflare Workers' runtime, from npm): the package cannot run there,
# because workerd refuses to compile WebAssembly from bytes at run time. The README
# says so; this keeps that statement true: it fails if workerd starts accepting the
# package (the README would be stale) or refuses it for another reason.
if command -v workerd >/dev/null 2>&1 && project workerd; then
  dir="$work/workerd"
  cat >"$dir/worker.js" <<'JS'
export default {
  async test() {
    const { createAccessToken } = await import("./node_modules/livekit-tavus-edge/dist/src/mod.js");
    createAccessToken("devkey", "secret", { identity: "ada" });
  },
};
JS
  modules="$(cd "$dir" && find node_modules/livekit-tavus-edge/dist -name '*.js' |
    sed 's|.*|    (name = "&", esModule = embed "&"),|')"
  cat >"$dir/config.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (services = [(name = "main", worker = .worker)]);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
$modules
  ],
  compatibilityDate = "2025-01-01",
);
CAPNP
  out="$(cd "$dir" && timeout 60 workerd test config.capnp 2>&1)"
  if grep -q "Wasm code generation disallowed by embedder" <<<"$out"; then
    pass 1
    echo "workerd: not supported, as documented (WebAssembly.Module(bytes) is refused)"
  else
    printf '%s\n' "$out" | tail -n 5 >&2
    fail "workerd: the documented limitation no longer holds as stated (update the README)"
  fi
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
