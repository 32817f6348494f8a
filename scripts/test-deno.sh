#!/usr/bin/env bash
# Runs the Deno test suites and prints a plain `deno: N passed, N failed` line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
deno test --quiet --allow-all tests/deno/ 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
# Deno's summary reads like: "ok | 12 passed (3 steps) | 0 failed (1s)".
summary="$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1)"
passed="$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")"
failed="$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")"
passed="${passed:-0}"
failed="${failed:-0}"
# A run that failed before testing (type errors, a crash) still counts as a failure.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "deno: $passed passed, $failed failed"
if [ -z "$summary" ] && [ "$rc" -eq 0 ]; then
  echo "deno test printed no summary" >&2
  exit 1
fi
exit "$rc"
