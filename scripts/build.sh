#!/usr/bin/env bash
# Builds the wasm core and the JS module that embeds it (js/gen/), then prints sizes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

nightly="$(wasm_nightly)"
if [ -n "$nightly" ]; then
  log "building the wasm core (release, size-tuned: $nightly, build-std, immediate-abort panics)"
  # The standard library's core, alloc and compiler_builtins at opt-level 3 (they are
  # rebuilt here, so the profile reaches them): faster (memcpy, UTF-8 checks) and,
  # measured, no larger (BENCHMARKS.md).
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" cargo "+$nightly" build --quiet \
    --release --target wasm32-unknown-unknown --lib -Zbuild-std=std,panic_abort \
    --config 'profile.release.package.core.opt-level=3' \
    --config 'profile.release.package.alloc.opt-level=3' \
    --config 'profile.release.package.compiler_builtins.opt-level=3' \
    --target-dir target/wasm-nightly
  raw_in="target/wasm-nightly/wasm32-unknown-unknown/release/livekit_tavus_edge.wasm"
else
  log "building the wasm core (release, stable: no pinned nightly, so a larger module)"
  cargo build --quiet --release --target wasm32-unknown-unknown --lib
  raw_in="target/wasm32-unknown-unknown/release/livekit_tavus_edge.wasm"
fi

gen="$ROOT/js/gen"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --omit-default-module-path --no-typescript-docs 2>/dev/null \
  --out-dir "$tmp" --out-name livekit_tavus_edge "$raw_in" ||
  wasm-bindgen --target web --omit-default-module-path --out-dir "$tmp" --out-name livekit_tavus_edge "$raw_in"
node scripts/patch-glue.mjs "$tmp/livekit_tavus_edge.js"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers \
  -o "$tmp/livekit_tavus_edge_bg.opt.wasm" "$tmp/livekit_tavus_edge_bg.wasm"

mkdir -p "$gen"
{
  echo '// @ts-self-types="./livekit_tavus_edge.d.ts"'
  echo '// deno-lint-ignore-file'
  echo '// deno-fmt-ignore-file'
  cat "$tmp/livekit_tavus_edge.js"
} >"$gen/livekit_tavus_edge.js"
cp "$tmp/livekit_tavus_edge.d.ts" "$gen/livekit_tavus_edge.d.ts"
rm -rf "$gen/snippets"
cp "$tmp/livekit_tavus_edge_bg.opt.wasm" "$gen/livekit_tavus_edge.wasm"
node scripts/embed-wasm.mjs "$gen/livekit_tavus_edge.wasm" "$gen"

raw=$(wc -c <"$gen/livekit_tavus_edge.wasm")
gz=$(gzip -9 -c "$gen/livekit_tavus_edge.wasm" | wc -c)
printf 'wasm size: %s bytes raw, %s bytes gzip\n' "$raw" "$gz"

# The npm package (root js/): tsc compiles js/src to js/dist/src; the glue and the
# embedded bytes go to js/dist/gen, where dist/src/core.js imports them.
log "building the npm package (js/dist)"
rm -rf "$ROOT/js/dist"
tsc -p "$ROOT/js/tsconfig.json"
# tsc rewrites `./x.ts` imports to `./x.js` in .js output but not in declarations.
find "$ROOT/js/dist/src" -name '*.d.ts' -exec sed -i -E "s#([\"'])(\.\.?/[^\"']*)\.ts([\"'])#\1\2.js\3#g" {} +
mkdir -p "$ROOT/js/dist/gen"
cp "$gen"/livekit_tavus_edge.js "$gen"/livekit_tavus_edge.d.ts "$gen"/wasm_bytes.js "$gen"/wasm_bytes.d.ts \
  "$ROOT/js/dist/gen/"
tarball=$(cd "$ROOT/js" && npm pack --dry-run --json --loglevel=error |
  node -e 'const [p] = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(p.size, p.unpackedSize, p.entryCount)')
read -r tgz unpacked entries <<<"$tarball"
printf 'npm package: %s bytes packed (.tgz), %s bytes unpacked, %s files\n' "$tgz" "$unpacked" "$entries"

# Vendor the package inside supabase/functions/_shared so `supabase functions deploy`
# bundles it with plain relative imports (imports from outside supabase/ break deploys).
vendor="$ROOT/supabase/functions/_shared/vendor/livekit-tavus-edge"
rm -rf "$vendor"
mkdir -p "$vendor/src" "$vendor/gen"
cp "$ROOT"/js/src/*.ts "$vendor/src/"
cp "$gen"/livekit_tavus_edge.js "$gen"/livekit_tavus_edge.d.ts "$gen"/wasm_bytes.js "$gen"/wasm_bytes.d.ts "$vendor/gen/"
