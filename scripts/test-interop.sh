#!/usr/bin/env bash
# Interop, both directions, against the official SDKs installed by setup.sh:
#   this package (JS API over the real wasm, under Deno) mints tokens and signs
#   webhooks -> npm livekit-server-sdk (Node 20) and PyPI livekit-api accept them
#   with identical claims and events; and tokens/webhooks those SDKs make, with
#   every grant they support, verify here with identical claims.
# Needs the built package (scripts/build.sh). Prints `interop: N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/results.txt"
: >"$out"
status=0

run() {
  local label="$1"
  shift
  if ! "$@" >>"$out" 2>"$work/stderr"; then
    echo "FAIL $label: exited with an error: $(tail -n 5 "$work/stderr" | tr '\n' ' ')" >>"$out"
    status=1
  fi
}

run "make (deno)" deno run --quiet --allow-read --allow-write="$work" tests/interop/make.ts "$work"
run "node" bash -c 'cd tools && node --input-type=module - "$1" <"$2"' _ "$work" "$ROOT/tests/interop/node_check.mjs"
run "python" "$ROOT/.venv/bin/python" tests/interop/py_check.py "$work"
run "check (deno)" deno run --quiet --allow-read="$work" tests/interop/check.ts "$work"

grep -v '^made ' "$out"
passed="$(grep -c '^ok ' "$out")"
failed="$(grep -c '^FAIL' "$out")"
echo "interop: $passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
